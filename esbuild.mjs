// Builds the extension (Node, CJS, `vscode` external), the chat webview (browser, IIFE) and the
// extension-host test suites. `--production` minifies without sourcemaps (what `npm run package`
// ships); `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { readdirSync, existsSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  legalComments: 'none',
};

const builds = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.cjs',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: ['src/webview/main.ts'],
    outfile: 'dist/webview.js',
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
