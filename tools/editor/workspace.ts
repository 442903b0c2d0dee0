// A scratch copy of the sample workspace for one editor run, so tests can edit files freely.
import { cpSync, existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './installEditor.mjs';

export const sampleWorkspace = join(repoRoot, 'test', 'fixtures', 'workspace');

export interface ScratchWorkspace {
  path: string;
  remove(): void;
}

export function copyWorkspace(source = sampleWorkspace): ScratchWorkspace {
  const root = mkdtempSync(join(tmpdir(), 'pacer-ws-'));
  const path = join(root, 'workspace');
  if (existsSync(source)) cpSync(source, path, { recursive: true });
  else {
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, 'README.md'), '# Sample workspace\n');
  }
  return { path, remove: () => rmSync(root, { recursive: true, force: true }) };
}
