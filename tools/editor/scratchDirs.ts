// A throw-away HOME for one editor run: code-server, the extension host and Chromium all write
// into HOME, TMPDIR and the XDG folders, and parallel runs must not share them.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ScratchDirs {
  root: string;
  home: string;
  tmp: string;
  userDataDir: string;
  extensionsDir: string;
}

export function makeScratchDirs(prefix = 'pacer-editor-'): ScratchDirs {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const dirs: ScratchDirs = {
    root,
    home: join(root, 'home'),
    tmp: join(root, 'tmp'),
    userDataDir: join(root, 'user-data'),
    extensionsDir: join(root, 'extensions'),
  };
  for (const dir of [dirs.home, dirs.tmp, dirs.userDataDir, dirs.extensionsDir])
    mkdirSync(dir, { recursive: true });
  return dirs;
}

export function removeScratchDirs(dirs: ScratchDirs): void {
  rmSync(dirs.root, { recursive: true, force: true, maxRetries: 3 });
}

/**
 * The environment for processes of one run. VS Code variables of an outer editor (when the tests
 * are started from a VS Code terminal) are dropped so the inner one does not talk to it.
 */
export function isolatedEnv(dirs: ScratchDirs, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('VSCODE_') || key === 'ELECTRON_RUN_AS_NODE' || key.startsWith('npm_')) continue;
    env[key] = value;
  }
  return {
    ...env,
    HOME: dirs.home,
    TMPDIR: dirs.tmp,
    XDG_CONFIG_HOME: join(dirs.home, '.config'),
    XDG_DATA_HOME: join(dirs.home, '.local', 'share'),
    XDG_CACHE_HOME: join(dirs.home, '.cache'),
    XDG_RUNTIME_DIR: dirs.tmp,
    ...extra,
  };
}
