#!/usr/bin/env node
// Installs what the editor tests and `npm start` need, on first use, and reuses it afterwards:
// Debian's Chromium (and, only while code-server is being built, ripgrep, libkrb5-dev and a
// compiler) through apt-get when running as root, and code-server (VS Code 1.100 for the web,
// the last line that runs on Node 20) into the git-ignored `.cache/code-server`.
// Plain JavaScript with no dependencies so it runs before `npm ci`. CLI: `node tools/editor/installEditor.mjs`.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  writeFileSync,
  readFileSync,
  rmSync,
  statSync,
  copyFileSync,
  chmodSync,
  lstatSync,
} from 'node:fs';
import { dirname, join, resolve, delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_BINARY_VERSION = 'v13.0.0-10';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const editorCacheDir = process.env.PACER_EDITOR_CACHE
  ? resolve(process.env.PACER_EDITOR_CACHE)
  : join(repoRoot, '.cache', 'code-server');

const codeServerDir = join(editorCacheDir, 'node_modules', 'code-server');
export const codeServerEntry = join(codeServerDir, 'out', 'node', 'entry.js');
const vscodeDir = join(codeServerDir, 'lib', 'vscode');
const installedMarker = join(editorCacheDir, `.installed-${CODE_SERVER_VERSION}`);

const log = (msg) => console.log(`[editor] ${msg}`);

function onPath(cmd) {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .some((d) => existsSync(join(d, cmd)));
}

export function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p) => p && existsSync(p));
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  return r.status ?? 1;
}

function ensureAptPackages(needed) {
  if (needed.length === 0) return;
  const line = `apt-get update && apt-get install -y ${needed.join(' ')}`;
  if (!isRoot()) {
    throw new Error(
      `missing system packages: ${needed.join(', ')}. Install them once, then run this again:\n  sudo apt-get update && sudo apt-get install -y ${needed.join(' ')}`,
    );
  }
  log(`installing Debian packages: ${needed.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (
    run('apt-get', ['update'], { env }) !== 0 ||
    run('apt-get', ['install', '-y', ...needed], { env }) !== 0
  ) {
    throw new Error(`apt-get failed; run by hand: ${line}`);
  }
}

// The native modules (kerberos, node-pty, argon2) compile from source, so the build tools are
// needed only while code-server is being installed.
function buildPackagesMissing() {
  const missing = [];
  if (!onPath('rg')) missing.push('ripgrep');
  if (!existsSync('/usr/include/krb5.h') && !existsSync('/usr/include/krb5/krb5.h'))
    missing.push('libkrb5-dev');
  if (!onPath('make')) missing.push('make');
  if (!onPath('g++')) missing.push('g++');
  if (!onPath('python3')) missing.push('python3');
  return missing;
}

// What a complete install looks like; npm may one day skip install scripts (npm 11 already warns
// "install scripts not yet covered by allowScripts"), so each postinstall result is checked.
function installProblems() {
  const problems = [];
  if (!existsSync(codeServerEntry)) problems.push('code-server not unpacked');
  const need = {
    'lib/vscode/node_modules/kerberos/build/Release/kerberos.node': 'kerberos not built',
    'lib/vscode/node_modules/node-pty/build/Release/pty.node': 'node-pty not built',
    'lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node': 'spdlog not built',
    'lib/vscode/node_modules/native-watchdog/build/Release/watchdog.node': 'native-watchdog not built',
    'lib/vscode/extensions/node_modules': 'built-in extension dependencies missing',
    'lib/vscode/node_modules/@vscode/ripgrep/bin/rg': 'ripgrep binary missing',
  };
  for (const [rel, problem] of Object.entries(need)) {
    if (!existsSync(join(codeServerDir, rel))) problems.push(problem);
  }
  let asar = false;
  try {
    asar = lstatSync(join(vscodeDir, 'node_modules.asar')).isSymbolicLink();
  } catch {
    asar = false;
  }
  if (!asar) problems.push('node_modules.asar link missing');
  if (
    !existsSync(join(editorCacheDir, 'node_modules', 'argon2', 'lib', 'binding', 'napi-v3', 'argon2.node'))
  ) {
    problems.push('argon2 not built');
  }
  return problems;
}

function npmEnv(tmpDir) {
  return {
    ...process.env,
    // Root needs unsafe-perm for code-server's postinstall; node-pty runs `npx node-gyp`, which a
    // `yes=false` npmrc would cancel; nodedir keeps node-gyp from downloading headers.
    npm_config_unsafe_perm: 'true',
    npm_config_yes: 'true',
    npm_config_nodedir: process.env.npm_config_nodedir ?? '/usr',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    TMPDIR: tmpDir,
  };
}

// @vscode/ripgrep downloads `rg` from GitHub in its postinstall: hand it Debian's instead.
function seedRipgrepCache(tmpDir) {
  const rg = (process.env.PATH ?? '')
    .split(delimiter)
    .map((d) => join(d, 'rg'))
    .find((p) => existsSync(p));
  if (!rg) throw new Error('ripgrep (rg) not found on PATH; install it: apt-get install -y ripgrep');
  const cacheDir = join(tmpDir, `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  mkdirSync(cacheDir, { recursive: true });
  const tarball = join(cacheDir, `ripgrep-${RIPGREP_BINARY_VERSION}-x86_64-unknown-linux-musl.tar.gz`);
  if (!existsSync(tarball) && run('tar', ['czf', tarball, '-C', dirname(rg), 'rg']) !== 0) {
    throw new Error('could not pack rg for the ripgrep cache');
  }
  return rg;
}

// Runs code-server's postinstall ourselves when npm did not (install scripts disabled or skipped).
function repairInstall(env) {
  let problems = installProblems();
  const needsPostinstall = problems.some((p) => p !== 'argon2 not built' && p !== 'ripgrep binary missing');
  if (needsPostinstall) {
    log(`postinstall did not finish (${problems.join('; ')}); running it directly`);
    const userAgent = `npm/${npmVersion()} node/${process.version} linux x64`;
    // The nested `npm install`s build the native modules, so their scripts must run here.
    const scriptEnv = {
      ...env,
      npm_config_user_agent: userAgent,
      npm_config_ignore_scripts: 'false',
      npm_config_dangerously_allow_all_scripts: 'true',
    };
    if (run('sh', ['./postinstall.sh'], { cwd: codeServerDir, env: scriptEnv }) !== 0) {
      throw new Error('code-server postinstall failed (see output above)');
    }
  }
  problems = installProblems();
  if (problems.includes('argon2 not built')) {
    log('building argon2');
    const argonDir = join(editorCacheDir, 'node_modules', 'argon2');
    const preGyp = join(editorCacheDir, 'node_modules', '@mapbox', 'node-pre-gyp', 'bin', 'node-pre-gyp');
    if (run(process.execPath, [preGyp, 'install', '--fallback-to-build'], { cwd: argonDir, env }) !== 0) {
      throw new Error('argon2 build failed (see output above)');
    }
  }
  const rgTarget = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg');
  if (!existsSync(rgTarget) && existsSync(dirname(dirname(rgTarget)))) {
    mkdirSync(dirname(rgTarget), { recursive: true });
    copyFileSync(seedRipgrepCache(env.TMPDIR), rgTarget);
    chmodSync(rgTarget, 0o755);
  }
}

function npmVersion() {
  const r = spawnSync('npm', ['--version'], { encoding: 'utf8' });
  return (r.stdout ?? '').trim() || '0';
}

// One installer at a time (npm test and npm start may both arrive on a fresh machine).
async function withLock(fn) {
  const lockDir = `${editorCacheDir}.lock`;
  mkdirSync(dirname(lockDir), { recursive: true });
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      let age = 0;
      try {
        age = Date.now() - statSync(lockDir).mtimeMs;
      } catch {
        continue;
      }
      if (age > 15 * 60_000) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - started > 15 * 60_000) throw new Error(`timed out waiting for ${lockDir}`);
      if (Date.now() - started < 1500) log('another install is running; waiting for it');
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function installCodeServer() {
  const started = Date.now();
  ensureAptPackages(buildPackagesMissing());
  log(`installing code-server ${CODE_SERVER_VERSION} into ${editorCacheDir} (one time, about a minute)`);
  log('npm may warn \'Unknown env config "unsafe-perm"\' and about install scripts: both are harmless here');
  mkdirSync(editorCacheDir, { recursive: true });
  const tmpDir = join(editorCacheDir, '.tmp');
  mkdirSync(tmpDir, { recursive: true });
  seedRipgrepCache(tmpDir);
  writeFileSync(
    join(editorCacheDir, 'package.json'),
    JSON.stringify({ private: true, dependencies: { 'code-server': CODE_SERVER_VERSION } }, null, 2) + '\n',
  );
  const env = npmEnv(tmpDir);
  if (run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund'], { cwd: editorCacheDir, env }) !== 0) {
    throw new Error(`npm install of code-server failed (see output above); cache: ${editorCacheDir}`);
  }
  repairInstall(env);
  const problems = installProblems();
  if (problems.length > 0) throw new Error(`code-server install incomplete: ${problems.join('; ')}`);
  rmSync(tmpDir, { recursive: true, force: true });
  writeFileSync(installedMarker, new Date().toISOString() + '\n');
  log(`code-server ready in ${Math.round((Date.now() - started) / 1000)} s`);
}

/**
 * Makes sure Chromium and code-server are present (installing them when missing) and returns
 * where they are. Fast (a few stat calls) when both are already there.
 */
export async function ensureEditor() {
  // One apt-get run for everything a fresh machine lacks.
  const needBuild = !existsSync(installedMarker) && !completeInstallPresent();
  ensureAptPackages([...(chromiumPath() ? [] : ['chromium']), ...(needBuild ? buildPackagesMissing() : [])]);
  const chromium = chromiumPath();
  if (!chromium) throw new Error('chromium still missing after apt-get; set CHROMIUM_PATH');
  if (!existsSync(installedMarker) || !existsSync(codeServerEntry)) {
    await withLock(async () => {
      if (existsSync(installedMarker) && existsSync(codeServerEntry)) return;
      // A hand install (or an interrupted one) is reused when it is complete.
      if (completeInstallPresent()) {
        writeFileSync(installedMarker, new Date().toISOString() + '\n');
        return;
      }
      installCodeServer();
    });
  }
  return { codeServerEntry, chromium, node: process.execPath };
}

function completeInstallPresent() {
  return (
    existsSync(codeServerEntry) &&
    installedVersion() === CODE_SERVER_VERSION &&
    installProblems().length === 0
  );
}

function installedVersion() {
  try {
    return JSON.parse(readFileSync(join(codeServerDir, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const found = await ensureEditor();
    log(`chromium: ${found.chromium}`);
    log(`code-server ${CODE_SERVER_VERSION}: ${found.codeServerEntry}`);
  } catch (err) {
    console.error(`[editor] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
