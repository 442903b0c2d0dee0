// `npm test` and `npm start` work on a fresh clone with nothing done first: install the
// project's dependencies when they are missing. Plain JavaScript: it runs before they exist.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function ensureNodeModules(root) {
  // tsx is what every TypeScript step needs; its absence means "never installed".
  if (
    existsSync(join(root, 'node_modules', '.package-lock.json')) &&
    existsSync(join(root, 'node_modules', 'tsx'))
  ) {
    return;
  }
  const useCi = existsSync(join(root, 'package-lock.json'));
  const args = [useCi ? 'ci' : 'install', '--no-audit', '--no-fund'];
  console.log(`[setup] installing dependencies: npm ${args.join(' ')}`);
  const r = spawnSync('npm', args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`[setup] npm ${args[0]} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
  // npm 11 warns about packages whose install scripts it did not run: none of them is needed.
  console.log(
    "[setup] dependencies installed. npm's 'install-scripts' warnings above are harmless: Pacer needs none of those scripts.",
  );
}
