// `npm run bench` (full) / `npm run bench -- --quick` (CI smoke) / `--only=overload,overhead`.
// Runs each section, prints its table, and merges its result into bench-results.json at the repo
// root: sections not run keep their previous numbers.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SectionRunner } from './types';
import { run as overload } from './overload';
import { run as overhead } from './overhead';
import { run as queueFlood } from './queueFlood';
import { run as typing } from './typing';
import { run as failover } from './failover';
import { run as chatRender } from './chatRender';
import { run as hostile } from './hostile';
import { run as usage } from './usage';

// One line per section; other sections (typing, chatRender, failover) plug in here.
const SECTIONS: Array<{ name: string; run: SectionRunner }> = [
  { name: 'overload', run: overload },
  { name: 'overhead', run: overhead },
  { name: 'queueFlood', run: queueFlood },
  { name: 'typing', run: typing },
  { name: 'failover', run: failover },
  { name: 'chatRender', run: chatRender },
  { name: 'hostile', run: hostile },
  { name: 'usage', run: usage },
  { name: 'activation', run: async (o) => (await import('./activation')).run(o) },
  { name: 'team', run: async (o) => (await import('./team')).run(o) },
  { name: 'typingEditor', run: async (o) => (await import('./typingEditor')).run(o) },
];

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench-results.json');

function readResults(): Record<string, unknown> {
  if (!existsSync(RESULTS)) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(RESULTS, 'utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {}; // a broken file is rewritten, not fatal
  }
}

/** The commit measured, with `+dirty` when the work tree has changes. */
function currentCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      encoding: 'utf8',
    }).trim();
    return dirty ? `${head}+dirty` : head;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  // Timings should measure Pacer, not whatever else shares the machine: run ahead of it where
  // allowed (root, CI). Without the privilege the bench runs at normal priority.
  try {
    setPriority(-10);
  } catch {
    // not permitted
  }
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const only = args
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',');
  const selected = SECTIONS.filter((s) => !only || only.includes(s.name));
  if (selected.length === 0)
    throw new Error(
      `no section matches ${only?.join(',')}; known: ${SECTIONS.map((s) => s.name).join(', ')}`,
    );
  for (const section of selected) {
    const t0 = Date.now();
    console.log(`\n== ${section.name}${quick ? ' (quick)' : ''} ==`);
    const output = await section.run({ quick });
    console.table(output.rows);
    for (const t of output.targets ?? [])
      console.log(`  ${quick ? '(quick, not judged)' : t.met ? 'met   ' : 'MISSED'}  ${t.name}: ${t.value}`);
    console.log(`${section.name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    // Merge after every section, so a later failure does not lose earlier numbers. Each section
    // carries the commit and time it was measured at, since sections are re-run one by one.
    const results = readResults();
    const stamp = { commit: currentCommit(), at: new Date().toISOString(), quick };
    results[output.name] =
      output.result && typeof output.result === 'object' && !Array.isArray(output.result)
        ? { ...output.result, stamp }
        : { value: output.result, stamp };
    writeFileSync(RESULTS, JSON.stringify(results, null, 2) + '\n');
  }
  console.log(`\nwrote ${RESULTS}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
