// Builds the extension (Node, CJS, `vscode` external), the proxy agent it loads only when a proxy
// needs it (dist/proxy.cjs: undici), the chat webview and the usage dashboard (browser, IIFE, one
// bundle each) and the extension-host test
// suites. `--production` minifies without sourcemaps (what `npm run package`
// ships); `--watch` rebuilds on change; `--analyze` prints what fills dist/extension.cjs.
import * as esbuild from 'esbuild';
import { readdirSync, existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const analyze = process.argv.includes('--analyze');

/** Bytes per package (or per src folder) in one output, largest first: where a budget goes. */
function printLargestInputs(output, top = 20) {
  const bytes = new Map();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const pkg = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1];
    const key = pkg ?? input.split('/').slice(0, 3).join('/');
    bytes.set(key, (bytes.get(key) ?? 0) + bytesInOutput);
  }
  console.log(`dist/extension.cjs: ${output.bytes} bytes`);
  for (const [key, n] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${String(n).padStart(8)}  ${key}`);
}

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  legalComments: 'none',
};

// The extension imports only undici-free helpers of proxyFetch.ts; undici (about 530 KB minified)
// belongs in dist/proxy.cjs. Marking it side-effect free lets esbuild drop its unused import, and
// the check below fails the build if it creeps back into the extension bundle.
const MAX_EXTENSION_BYTES = 400_000;
const undiciOnDemand = {
  name: 'undici-on-demand',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, async (args) => {
      if (args.pluginData?.undiciOnDemand) return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        pluginData: { undiciOnDemand: true },
      });
      return { ...resolved, sideEffects: false };
    });
    build.onEnd((result) => {
      const inputs = Object.values(result.metafile?.outputs ?? {}).flatMap((o) => Object.keys(o.inputs));
      // ioredis belongs in dist/team.cjs (src/vscode/team/teamMode.ts loads it when team mode is on).
      const redisLeaked = inputs.filter((i) => i.includes('node_modules/ioredis/'));
      if (redisLeaked.length > 0)
        return {
          errors: [
            {
              text: `ioredis is in dist/extension.cjs (${redisLeaked.length} files): load it through dist/team.cjs (src/vscode/team/teamMode.ts)`,
            },
          ],
        };
      const leaked = inputs.filter((i) => i.includes('node_modules/undici/'));
      if (leaked.length > 0)
        return {
          errors: [
            {
              text: `undici is in dist/extension.cjs (${leaked.length} files): load it through dist/proxy.cjs (src/vscode/providers/proxySettings.ts)`,
            },
          ],
        };
      // The minified bundle's budget (issue 11): a warning, so a build in progress still works.
      const output = Object.values(result.metafile?.outputs ?? {}).find((o) => o.entryPoint);
      if (analyze && output) printLargestInputs(output);
      const bytes = output?.bytes ?? 0;
      if (production && bytes > MAX_EXTENSION_BYTES)
        console.warn(
          `esbuild: dist/extension.cjs is ${bytes} bytes, over its ${MAX_EXTENSION_BYTES}-byte budget: load rarely used parts on demand, as dist/proxy.cjs is`,
        );
      return undefined;
    });
  },
};

// settings.ts imports package.json for the schema of every setting (types, bounds, defaults,
// scopes). Only those fields reach the bundle: not the prose the Settings editor shows, nor the
// rest of the manifest (commands, menus, views), which settings.ts never reads.
const SCHEMA_FIELDS = ['type', 'enum', 'minimum', 'maximum', 'required', 'default', 'scope'];
function schemaOnly(schema) {
  const out = Object.fromEntries(SCHEMA_FIELDS.filter((k) => k in schema).map((k) => [k, schema[k]]));
  if (schema.items) out.items = schemaOnly(schema.items);
  if (schema.properties) out.properties = mapValues(schema.properties, schemaOnly);
  if ('additionalProperties' in schema)
    out.additionalProperties =
      typeof schema.additionalProperties === 'object'
        ? schemaOnly(schema.additionalProperties)
        : schema.additionalProperties;
  return out;
}
const mapValues = (o, f) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
const packageJsonSchemaOnly = {
  name: 'package-json-schema-only',
  setup(build) {
    const root = resolve('package.json');
    build.onLoad({ filter: /package\.json$/ }, (args) => {
      if (args.path !== root) return undefined;
      const pkg = JSON.parse(readFileSync(root, 'utf8'));
      const properties = mapValues(pkg.contributes.configuration.properties, schemaOnly);
      return { contents: JSON.stringify({ contributes: { configuration: { properties } } }), loader: 'json' };
    });
  },
};

// Every module that imports `vscode` would otherwise get its own copy of the API's ~250 names
// (esbuild's __toESM of an external CJS module, once per importing file: about 6,000 property
// definitions before activate() runs). One shared namespace makes that a single copy.
const vscodeApiOnce = {
  name: 'vscode-api-once',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) =>
      args.namespace === 'vscode-api'
        ? { path: 'vscode', external: true }
        : { path: 'vscode', namespace: 'vscode-api' },
    );
    build.onLoad({ filter: /.*/, namespace: 'vscode-api' }, () => ({
      contents: 'export * from "vscode";',
      loader: 'js',
    }));
  },
};

const node = { platform: 'node', format: 'cjs', target: 'node20' };

const builds = [
  {
    ...common,
    ...node,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.cjs',
    external: ['vscode'],
    metafile: true,
    plugins: [vscodeApiOnce, undiciOnDemand, packageJsonSchemaOnly],
  },
  {
    ...common,
    ...node,
    entryPoints: ['src/core/providers/proxyFetch.ts'],
    outfile: 'dist/proxy.cjs',
  },
  // Team mode's Redis client (ioredis), loaded only when pacer.team.enabled is on (src/vscode/team/teamMode.ts).
  {
    ...common,
    ...node,
    entryPoints: ['src/vscode/team/teamBundle.ts'],
    external: ['vscode'],
    outfile: 'dist/team.cjs',
    plugins: [vscodeApiOnce],
  },
  // The usage dashboard's host side, loaded with the first Show Usage (src/vscode/usage/usageDashboard.ts).
  {
    ...common,
    ...node,
    entryPoints: ['src/vscode/usage/dashboardBundle.ts'],
    external: ['vscode'],
    outfile: 'dist/dashboard.cjs',
    plugins: [vscodeApiOnce],
  },
  {
    ...common,
    entryPoints: ['src/webview/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
  // The usage dashboard: its own bundle, so uPlot (~50 KB) loads only with the dashboard. The
  // uPlot style sheet it imports comes out as dist/usage.css.
  {
    ...common,
    entryPoints: ['src/webview/usage/main.ts'],
    outfile: 'dist/usage.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

// Extension-host suites run inside VS Code, so they are CJS bundles like the extension itself.
const hostSuiteDir = 'test/e2e/host';
if (!production && existsSync(hostSuiteDir)) {
  builds.push({
    ...common,
    sourcemap: 'inline',
    entryPoints: readdirSync(hostSuiteDir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `${hostSuiteDir}/${f}`),
    outdir: 'out/e2e/host',
    outExtension: { '.js': '.cjs' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
  });
}

const existing = builds.filter((b) => (b.entryPoints ?? []).every((e) => existsSync(e)));
if (watch) {
  for (const b of existing) await (await esbuild.context(b)).watch();
  console.log('esbuild: watching');
} else {
  await Promise.all(existing.map((b) => esbuild.build(b)));
}
