// Chat history as JSON files in one folder (the extension's storage folder, per workspace when one
// is open). Files rather than globalState: a long conversation is a big value, and a file write
// reaches the disk at once, so a window reload right after an answer still finds it. Windows
// without a workspace share one folder, so two processes may write the same file at once.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatStorage } from './conversationStore';

const NAME = /^[\w-]+$/;

export class FolderChatStorage implements ChatStorage {
  // Set only once the folder exists: a failed creation (a full disk, a permission fixed later) is
  // tried again on the next write instead of failing every save of the session.
  private dirReady = false;

  constructor(private readonly dir: string) {}

  private file(name: string): string {
    if (!NAME.test(name)) throw new Error(`Refusing chat storage name ${JSON.stringify(name)}`);
    return join(this.dir, `${name}.json`);
  }

  async read(name: string): Promise<unknown> {
    let text: string;
    try {
      text = await readFile(this.file(name), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    return JSON.parse(text) as unknown;
  }

  async write(name: string, value: unknown): Promise<void> {
    const target = this.file(name);
    const text = JSON.stringify(value);
    if (!this.dirReady) await this.makeDir();
    // Write then rename, so a crash mid-write leaves the old file rather than half a new one. The
    // temp name is this process's own (pid + random): another window writing the same file at the
    // same moment must not rename this one's half-written temp file away.
    const tmp = join(this.dir, `${name}.json.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
    try {
      try {
        await writeFile(tmp, text);
      } catch (e) {
        // The folder was removed since (the user cleared the extension's storage): make it again.
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        await this.makeDir();
        await writeFile(tmp, text);
      }
      await this.replace(tmp, target);
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw e;
    }
  }

  async remove(name: string): Promise<void> {
    await rm(this.file(name), { force: true });
  }

  async list(): Promise<string[]> {
    let files: string[];
    try {
      files = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return files
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length))
      .filter((n) => NAME.test(n));
  }

  // Windows refuses to replace a file another process has open for a moment (EPERM, EBUSY): the
  // other window reading or replacing it. Such a moment passes; anything else is a real failure.
  private async replace(tmp: string, target: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await rename(tmp, target);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (attempt >= 5 || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES')) throw e;
        await sleep(20 * attempt);
      }
    }
  }

  private async makeDir(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    this.dirReady = true;
  }
}
