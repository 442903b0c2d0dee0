// `npm start` (after tools/start.mjs has installed and built): Pacer loaded from source in
// code-server on the sample workspace, talking to the DeepSeek emulator, or to the real DeepSeek
// when DEEPSEEK_API_KEY is set. Prints the URL; Ctrl+C stops everything.
//
//   npm start -- [--port N] [--host 127.0.0.1] [--workspace DIR] [--auth password|none]
//
// The editor runs extensions and holds a real key: it asks for a password (PASSWORD from the
// environment, else a random one printed once) and keeps workspace trust on, so a folder opens
// in Restricted Mode until the person trusts it. `--auth none` is allowed on loopback only.
//
// The profile (settings, state) lives in .cache/start-profile and survives restarts.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator } from '../emulator/server';
import type { Emulator } from '../emulator/server';
import { isLoopbackHost, readUserSettings, startCodeServer } from './codeServer';
import type { RunningCodeServer } from './codeServer';
import { repoRoot } from './installEditor.mjs';
import type { ScratchDirs } from './scratchDirs';
import { workbenchUrl } from './workbenchUrl';
import { copyWorkspace, sampleWorkspace } from './workspace';

const PERSON_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  // Offline machines: no marketplace lookups.
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'security.workspace.trust.enabled': true,
};

function profileDirs(): ScratchDirs {
  const root = join(repoRoot, '.cache', 'start-profile');
  const dirs = {
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

function ensureWorkspace(path: string): void {
  if (existsSync(path)) return;
  mkdirSync(path, { recursive: true });
  writeFileSync(
    join(path, 'README.md'),
    '# Sample workspace\n\nOpen a file and start typing to see Pacer complete it.\n',
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.PORT ?? '0' },
      host: { type: 'string', default: '127.0.0.1' },
      workspace: { type: 'string' },
      auth: { type: 'string', default: 'password' },
    },
  });
  if (values.auth !== 'password' && values.auth !== 'none')
    throw new Error(`--auth must be password or none, got ${values.auth}`);
  if (values.auth === 'none' && !isLoopbackHost(values.host))
    throw new Error(
      `--auth none is only allowed on a loopback host (127.0.0.1, localhost, ::1), not ${values.host}: anyone who reaches the editor could run code with your API key.`,
    );
  const ownPassword = process.env.PASSWORD?.trim();
  const password = values.auth === 'none' ? undefined : ownPassword || randomBytes(18).toString('base64url');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be a port number, got ${values.port}`);
  // The sample opens as a fresh copy outside this repository: typing and Insert (auto-save is
  // on) never change files the tests depend on, and VS Code does not ask about the parent git
  // repository. A folder the user names opens as it is.
  const scratch = values.workspace ? undefined : copyWorkspace(sampleWorkspace);
  const workspace = scratch?.path ?? resolve(values.workspace!);
  ensureWorkspace(workspace);

  const realKey = Boolean(process.env.DEEPSEEK_API_KEY);
  // Filled in as things start, so Ctrl+C at any moment stops what is running.
  const running: { emulator?: Emulator; server?: RunningCodeServer } = {};
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping Pacer…');
    await running.server?.close().catch(() => undefined);
    await running.emulator?.close().catch(() => undefined);
    scratch?.remove();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  // A little thinking time and a realistic streaming speed, so it looks like the real thing.
  const emulator = realKey ? undefined : await startEmulator({ ttftMs: 300, tokensPerSecond: 60 });
  running.emulator = emulator;
  const dirs = profileDirs();
  // The emulator's port changes every run; a previous run's override must not outlive it.
  const baseUrls = {
    ...((readUserSettings(dirs)['pacer.providers.baseUrls'] as Record<string, string>) ?? {}),
  };
  delete baseUrls.deepseek;
  if (emulator) baseUrls.deepseek = emulator.url;

  const server = await startCodeServer({
    dirs,
    keepDirs: true,
    host: values.host,
    port,
    baseSettings: PERSON_SETTINGS,
    mergeExistingSettings: true,
    userSettings: { 'pacer.providers.baseUrls': baseUrls },
    password,
    workspaceTrust: true,
  });
  running.server = server;
  const url = workbenchUrl(server.url, { folder: workspace, extensionDevelopmentPath: [repoRoot] });

  console.log('');
  console.log('Pacer is running in VS Code (code-server). Open this URL in a browser:');
  console.log('');
  console.log(`  ${url}`);
  console.log('');
  if (password && !ownPassword)
    console.log(`Password: ${password}  (new each start; set PASSWORD to choose one)`);
  else if (password) console.log('Password: the one in $PASSWORD.');
  else console.log('No password (--auth none): only this machine can reach the editor.');
  console.log('');
  if (emulator) {
    console.log(
      `DeepSeek: the local emulator at ${emulator.url} (set DEEPSEEK_API_KEY to use the real API).`,
    );
  } else {
    console.log('DeepSeek: the real API. Pacer moves DEEPSEEK_API_KEY into VS Code SecretStorage on first');
    console.log('start ("Pacer: Set API Key" changes it later); it never reads keys from settings.');
  }
  console.log(`Workspace: ${workspace}${scratch ? ' (a fresh copy of the sample, removed on Ctrl+C)' : ''}`);
  console.log('Press Ctrl+C to stop.');
}

main().catch((err: unknown) => {
  console.error(`npm start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
