import { builtinModules } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const root = dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------------------------------------
// The layer map (DESIGN.md, "Layers"), enforced in two halves:
// - paths: `pacer/no-restricted-paths`, zones in the shape of eslint-plugin-import's
//   `import/no-restricted-paths` (as Copilot Chat uses it): a relative import is resolved against
//   the importing file, and a file under `target` may not import anything under `from` unless it
//   is also under `except`. (No import plugin: it would be a new dependency with a native
//   resolver, and without a TypeScript resolver it skips what it cannot resolve.)
// - packages: core ESLint `no-restricted-imports` (vscode, Node built-ins, openai, undici) and
//   `no-restricted-globals` (Buffer, process...) per folder.
// test/unit/lintZones.test.ts proves each zone rejects a forbidden import and accepts an allowed one.

/** @type {{ target: string; from: string[]; except?: string[]; message: string }[]} */
const zones = [
  {
    target: 'src/webview',
    from: ['src', 'tools', 'test'],
    except: ['src/webview', 'src/core/common'],
    message: 'the webview (browser code) imports only src/core/common and its own files.',
  },
  {
    target: 'src/core',
    from: ['src/vscode', 'src/webview', 'src/extension'],
    message: 'src/core is plain TypeScript: it never imports the vscode adapters or the webview.',
  },
  {
    target: 'src',
    from: ['tools', 'test'],
    message: 'src never imports tools (emulator, benchmark, launcher) or test code.',
  },
  {
    target: 'test',
    from: ['tools/bench'],
    message:
      'tests do not import benchmark code: share it through test/helpers (the benchmark may import those).',
  },
];

const isUnder = (path, dir) => path === dir || path.startsWith(dir + '/');
const toPosix = (p) => p.split(sep).join('/');
/** `src/extension.ts` and `./extension` name the same module. */
const withoutExt = (p) => p.replace(/\.[cm]?[jt]s$/, '');

const noRestrictedPaths = {
  meta: {
    type: 'problem',
    docs: { description: 'Layer zones: which folders a folder may import from (relative imports).' },
    schema: [{ type: 'object', properties: { zones: { type: 'array' } }, additionalProperties: false }],
    messages: { restricted: "'{{spec}}' resolves to {{path}}: {{message}}" },
  },
  create(context) {
    const file = toPosix(relative(root, context.filename));
    const active = (context.options[0]?.zones ?? []).filter((z) => isUnder(file, z.target));
    if (active.length === 0) return {};
    const check = (node, source) => {
      if (!source || typeof source.value !== 'string') return;
      const spec = source.value;
      if (!spec.startsWith('.') && !spec.startsWith('/')) return; // packages: no-restricted-imports
      const path = toPosix(relative(root, resolve(dirname(context.filename), spec)));
      for (const zone of active) {
        if (!zone.from.some((f) => isUnder(path, f) || isUnder(withoutExt(path), f))) continue;
        if ((zone.except ?? []).some((e) => isUnder(path, e))) continue;
        context.report({
          node: source,
          messageId: 'restricted',
          data: { spec, path, message: zone.message },
        });
        return;
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source.type === 'Literal' ? node.source : undefined),
      TSImportEqualsDeclaration: (node) =>
        check(
          node,
          node.moduleReference.type === 'TSExternalModuleReference'
            ? node.moduleReference.expression
            : undefined,
        ),
      CallExpression: (node) => {
        if (
          node.callee.type === 'Identifier' &&
          node.callee.name === 'require' &&
          node.arguments[0]?.type === 'Literal'
        )
          check(node, node.arguments[0]);
      },
    };
  },
};

const vscodeBan = {
  name: 'vscode',
  message: 'src/core must not depend on vscode; put adapters in src/vscode.',
  allowTypeImports: false,
};
const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_') && !m.startsWith('node:'));
/** Browser-safe code (core/common, the webview): no Node built-ins, no Node-only SDKs. */
const browserBans = (where) => ({
  paths: [
    ...nodeBuiltins.map((name) => ({ name, message: `${where} is browser-safe: no Node built-ins.` })),
    { name: 'openai', message: `${where} is browser-safe: the openai SDK belongs in src/core/providers.` },
    { name: 'undici', message: `${where} is browser-safe: undici belongs in src/core/providers.` },
  ],
  patterns: [
    { group: ['node:*'], message: `${where} is browser-safe: no Node built-ins.` },
    { group: ['openai/*', 'undici/*'], message: `${where} is browser-safe: no Node-only SDKs.` },
  ],
});
const nodeGlobals = [
  'Buffer',
  'process',
  'require',
  'module',
  'exports',
  '__dirname',
  '__filename',
  'global',
  'setImmediate',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', '.cache/**', 'test-results/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { pacer: { rules: { 'no-restricted-paths': noRestrictedPaths } } },
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts', 'test/**/*.ts'],
    rules: { 'pacer/no-restricted-paths': ['error', { zones }] },
  },
  {
    // core/ must run in plain Node (tests, benchmark, a future CLI): no runtime vscode import.
    files: ['src/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [vscodeBan] }] },
  },
  {
    // core/common is the browser-safe kit the webview shares: no Node built-ins, SDKs or globals.
    // (This block replaces the one above for these files, so it repeats the vscode ban.)
    files: ['src/core/common/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [vscodeBan, ...browserBans('src/core/common').paths],
          patterns: browserBans('src/core/common').patterns,
        },
      ],
      'no-restricted-globals': [
        'error',
        ...nodeGlobals.map((name) => ({
          name,
          message: `src/core/common is browser-safe: no Node global '${name}'.`,
        })),
      ],
    },
  },
  {
    files: ['src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'vscode',
              message: 'The webview runs in a browser: it talks to the extension by messages.',
            },
            ...browserBans('src/webview').paths,
          ],
          patterns: browserBans('src/webview').patterns,
        },
      ],
      'no-restricted-globals': [
        'error',
        ...nodeGlobals.map((name) => ({
          name,
          message: `The webview runs in a browser: no Node global '${name}'.`,
        })),
      ],
    },
  },
  {
    files: ['**/*.mjs', 'tools/**/*.ts', 'test/**/*.ts'],
    languageOptions: {
      globals: { URL: 'readonly', Buffer: 'readonly', setInterval: 'readonly', clearInterval: 'readonly' },
    },
  },
);
