// The layer map (DESIGN.md, "Layers") is enforced by eslint.config.mjs. This proves each zone:
// for every zone, a forbidden import (or Node global) is reported and an allowed one is not,
// through ESLint's Node API on the project's real config, with made-up file paths.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const layerRules = new Set(['pacer/no-restricted-paths', 'no-restricted-imports', 'no-restricted-globals']);

let eslint: ESLint;

before(() => {
  eslint = new ESLint({ cwd: root, overrideConfigFile: join(root, 'eslint.config.mjs') });
});

/** The layer-rule messages ESLint reports for `code` as if it were the file at `file`. */
async function layerProblems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  assert.ok(result, `no lint result for ${file}`);
  const fatal = result.messages.filter((m) => m.fatal);
  assert.deepEqual(fatal, [], `${file} did not parse`);
  return result.messages
    .filter((m) => m.ruleId && layerRules.has(m.ruleId))
    .map((m) => `${m.ruleId}: ${m.message}`);
}

const importing = (spec: string) => `import * as m from '${spec}';\nexport const used = m;\n`;
const using = (global: string) => `export const used = typeof ${global};\n`;

interface Zone {
  zone: string;
  /** [file, module specifier] pairs that must be reported. */
  forbidden: [string, string][];
  /** [file, module specifier] pairs that must pass. */
  allowed: [string, string][];
  /** [file, Node global] pairs that must be reported. */
  forbiddenGlobals?: [string, string][];
}

const zones: Zone[] = [
  {
    zone: 'src/webview imports only src/core/common, its own files and npm packages',
    forbidden: [
      ['src/webview/x.ts', '../core/providers/router'],
      ['src/webview/x.ts', '../core/gate/gate'],
      ['src/webview/components/x.ts', '../../core/chat/chatSession'],
      ['src/webview/x.ts', '../vscode/chat/chatHtml'],
      ['src/webview/x.ts', '../extension'],
      ['src/webview/x.ts', '../../tools/emulator/server'],
      ['src/webview/x.ts', 'vscode'],
      ['src/webview/x.ts', 'openai'],
      ['src/webview/x.ts', 'undici'],
      ['src/webview/x.ts', 'node:crypto'],
      ['src/webview/x.ts', 'crypto'],
    ],
    allowed: [
      ['src/webview/x.ts', '../core/common/chatProtocol'],
      ['src/webview/components/x.ts', '../../core/common/waitText'],
      ['src/webview/components/x.ts', '../dom'],
      ['src/webview/x.ts', './markdown'],
      ['src/webview/x.ts', 'highlight.js/lib/core'],
      ['src/webview/x.ts', 'marked'],
      ['src/webview/x.ts', 'dompurify'],
    ],
    forbiddenGlobals: [
      ['src/webview/x.ts', 'process'],
      ['src/webview/x.ts', 'Buffer'],
    ],
  },
  {
    zone: 'src/core never imports vscode, src/vscode or src/webview',
    forbidden: [
      ['src/core/gate/x.ts', 'vscode'],
      ['src/core/gate/x.ts', '../../vscode/log'],
      ['src/core/providers/x.ts', '../../webview/markdown'],
      ['src/core/chat/x.ts', '../../extension'],
      ['src/core/x.ts', '../vscode/settings'],
    ],
    allowed: [
      ['src/core/gate/x.ts', '../common/clock'],
      ['src/core/providers/x.ts', '../gate/gate'],
      ['src/core/providers/x.ts', 'openai'],
      ['src/core/providers/x.ts', 'undici'],
      ['src/core/chat/x.ts', 'node:crypto'],
    ],
  },
  {
    zone: 'src/core/common is browser-safe: no Node built-ins, openai or undici',
    forbidden: [
      ['src/core/common/x.ts', 'node:crypto'],
      ['src/core/common/x.ts', 'crypto'],
      ['src/core/common/x.ts', 'fs'],
      ['src/core/common/x.ts', 'node:fs/promises'],
      ['src/core/common/x.ts', 'fs/promises'],
      ['src/core/common/x.ts', 'openai'],
      ['src/core/common/x.ts', 'openai/resources/chat/completions'],
      ['src/core/common/x.ts', 'undici'],
      ['src/core/common/x.ts', 'vscode'],
      ['src/core/common/x.ts', '../../vscode/log'],
    ],
    allowed: [
      ['src/core/common/x.ts', './clock'],
      ['src/core/common/sub/x.ts', '../errors'],
    ],
    forbiddenGlobals: [
      ['src/core/common/x.ts', 'Buffer'],
      ['src/core/common/x.ts', 'process'],
      ['src/core/common/x.ts', 'require'],
      ['src/core/common/x.ts', '__dirname'],
    ],
  },
  {
    zone: 'src never imports test or tools',
    forbidden: [
      ['src/extension.ts', '../tools/emulator/server'],
      ['src/vscode/x.ts', '../../test/helpers/waitFor'],
      ['src/core/providers/x.ts', '../../../tools/bench/stats'],
      ['src/core/gate/x.ts', '../../../test/helpers/fakeClock'],
    ],
    allowed: [
      ['src/extension.ts', './vscode/log'],
      ['src/vscode/x.ts', '../core/providers/router'],
      ['src/vscode/x.ts', 'vscode'],
    ],
  },
  {
    zone: 'tests never import benchmark code',
    forbidden: [['test/unit/x.test.ts', '../../tools/bench/chatRender']],
    allowed: [
      ['test/unit/x.test.ts', '../helpers/chatPage'],
      ['test/unit/x.test.ts', '../../tools/emulator/server'],
    ],
  },
];

for (const { zone, forbidden, allowed, forbiddenGlobals = [] } of zones) {
  describe(`lint zone: ${zone}`, () => {
    for (const [file, spec] of forbidden) {
      test(`${file} may not import '${spec}'`, async () => {
        const problems = await layerProblems(file, importing(spec));
        assert.equal(problems.length, 1, `expected one layer error, got ${JSON.stringify(problems)}`);
      });
    }
    for (const [file, spec] of allowed) {
      test(`${file} may import '${spec}'`, async () => {
        assert.deepEqual(await layerProblems(file, importing(spec)), []);
      });
    }
    for (const [file, global] of forbiddenGlobals) {
      test(`${file} may not use the Node global ${global}`, async () => {
        const problems = await layerProblems(file, using(global));
        assert.equal(problems.length, 1, `expected one layer error, got ${JSON.stringify(problems)}`);
      });
    }
  });
}

describe('lint zones: every import form is checked', () => {
  for (const code of [
    `export { x } from '../core/gate/gate';\n`,
    `export * from '../core/gate/gate';\n`,
    `export const load = () => import('../core/gate/gate');\n`,
    `import type { Gate } from '../core/gate/gate';\nexport type G = Gate;\n`,
  ]) {
    test(`src/webview/x.ts: ${code.split('\n')[0]}`, async () => {
      assert.equal((await layerProblems('src/webview/x.ts', code)).length, 1);
    });
  }
});
