// Entry point that VS Code's extension host loads for `--extensionTestsPath` (the test-electron
// contract: export `run()`, resolve when done, reject on failures). It runs every suite that
// esbuild bundled next to it (`test/e2e/host/*.test.ts` -> `out/e2e/host/*.test.cjs`), so adding
// a suite is adding a file.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    reporter: 'spec',
    color: false,
    timeout: 20_000,
    ...(process.env.PACER_E2E_GREP ? { grep: process.env.PACER_E2E_GREP } : {}),
  });
  const suites = readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.cjs'))
    .sort();
  if (suites.length === 0) throw new Error(`no *.test.cjs suites in ${__dirname}; run npm run build`);
  for (const file of suites) mocha.addFile(join(__dirname, file));

  // The launcher forwards only what is logged between these markers: the workbench logs to the
  // same console in the same format.
  console.log('[pacer-e2e] begin');
  const stats = await new Promise<Mocha.Stats>((resolve) => {
    const runner = mocha.run(() => resolve(runner.stats ?? emptyStats()));
  });
  console.log('[pacer-e2e] end');
  const resultFile = process.env.PACER_E2E_RESULT_FILE;
  if (resultFile) {
    writeFileSync(
      resultFile,
      JSON.stringify({ passed: stats.passes, failed: stats.failures, pending: stats.pending }) + '\n',
    );
  }
  if (stats.failures > 0) throw new Error(`${stats.failures} extension-host test(s) failed`);
}

function emptyStats(): Mocha.Stats {
  return { suites: 0, tests: 0, passes: 0, pending: 0, failures: 1 };
}
