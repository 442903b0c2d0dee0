#!/usr/bin/env node
// `npm start`: from a fresh clone to Pacer running in a real VS Code (code-server) in one command.
// Installs dependencies if needed, builds, installs the editor on first use, then hands over to
// tools/editor/startEditor.ts (emulator unless DEEPSEEK_API_KEY is set, code-server, the URL).
//   npm start -- [--port N] [--host 127.0.0.1] [--workspace DIR] [--auth password|none]
import { spawn, spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNodeModules } from './editor/ensureNodeModules.mjs';
import { ensureEditor } from './editor/installEditor.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

ensureNodeModules(root);

console.log('[setup] building Pacer');
const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.error('[setup] npm run build failed');
  process.exit(1);
}

try {
  await ensureEditor();
} catch (err) {
  console.error(`[editor] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

const child = spawn(
  process.execPath,
  ['--import', 'tsx', 'tools/editor/startEditor.ts', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
// Ctrl+C reaches both processes; the child shuts the editor down and exits, then so do we.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
