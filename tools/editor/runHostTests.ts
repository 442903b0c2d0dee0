// Runs the extension-host suites (out/e2e/host/*.test.cjs, built by `npm run build`) inside
// code-server through @vscode/test-electron's runTests, with tools/editor/launcher.mjs as the
// "VS Code executable", against a DeepSeek emulator started here.
//
//   node --import tsx tools/editor/runHostTests.ts [--vsix pacer.vsix] [--grep PATTERN]
//
// Ends with a line `extension-host: N passed, N failed`; exit code 0 only when all passed.
import { existsSync, mkdirSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runTests } from '@vscode/test-electron';
import { startEmulator } from '../emulator/server';
import { repoRoot } from './installEditor.mjs';
import { copyWorkspace } from './workspace';

const launcher = join(repoRoot, 'tools', 'editor', 'launcher.mjs');
const testsEntry = join(repoRoot, 'out', 'e2e', 'host', 'index.cjs');
const resultsDir = join(repoRoot, 'test-results');

interface Counts {
  passed: number;
  failed: number;
}

async function runOnce(
  mode: 'dev' | 'vsix',
  vsix: string | undefined,
  env: Record<string, string>,
): Promise<Counts> {
  const resultFile = join(resultsDir, `host-${mode}-result.json`);
  rmSync(resultFile, { force: true });
  const workspace = copyWorkspace();
  console.log(
    `\n--- extension-host suites (${mode === 'vsix' ? `installed ${vsix}` : 'extension from source'}) ---`,
  );
  try {
    await runTests({
      vscodeExecutablePath: launcher,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: testsEntry,
      launchArgs: [workspace.path],
      extensionTestsEnv: {
        ...env,
        PACER_E2E_RESULT_FILE: resultFile,
        PACER_E2E_SCREENSHOT: join(resultsDir, `host-${mode}.png`),
        PACER_E2E_LOGS_DIR: join(resultsDir, `host-${mode}-logs`),
        ...(vsix ? { PACER_E2E_VSIX: vsix } : {}),
      },
    });
  } catch (err) {
    // runTests rejects on a non-zero exit; the counts (if the suite ran) are in the result file.
    console.error(`extension-host (${mode}): ${(err as Error).message}`);
  } finally {
    workspace.remove();
  }
  if (!existsSync(resultFile)) {
    console.error(
      `extension-host (${mode}): the suite did not report results (it did not load or the editor failed)`,
    );
    return { passed: 0, failed: 1 };
  }
  const counts = JSON.parse(readFileSync(resultFile, 'utf8')) as Counts;
  return { passed: counts.passed, failed: counts.failed };
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { vsix: { type: 'string' }, grep: { type: 'string' } } });
  if (!existsSync(testsEntry)) throw new Error(`${testsEntry} is missing: run npm run build first`);
  mkdirSync(resultsDir, { recursive: true });
  // A fresh clone may lose the executable bit (e.g. a zip download); runTests spawns the file itself.
  chmodSync(launcher, 0o755);

  const emulator = await startEmulator();
  try {
    const env: Record<string, string> = {
      PACER_E2E_EMULATOR_URL: emulator.url,
      PACER_E2E_SETTINGS: JSON.stringify({ 'pacer.providers.baseUrls': { deepseek: emulator.url } }),
      ...(values.grep ? { PACER_E2E_GREP: values.grep } : {}),
    };
    const total: Counts = { passed: 0, failed: 0 };
    const modes: ['dev' | 'vsix', string | undefined][] = [['dev', undefined]];
    if (values.vsix) modes.push(['vsix', resolve(values.vsix)]);
    for (const [mode, vsix] of modes) {
      const counts = await runOnce(mode, vsix, env);
      total.passed += counts.passed;
      total.failed += counts.failed;
    }
    console.log(`extension-host: ${total.passed} passed, ${total.failed} failed`);
    return total.failed === 0 ? 0 : 1;
  } finally {
    await emulator.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`extension-host: ${err instanceof Error ? err.message : String(err)}`);
    console.log('extension-host: 0 passed, 1 failed');
    process.exit(1);
  },
);
