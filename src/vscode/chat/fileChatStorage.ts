// Chat history as JSON files in the extension's storage folder (per workspace when one is open).
// Files rather than globalState: a long conversation is a big value, and a file write reaches the
// disk at once, so a window reload right after an answer still finds it.
import * as vscode from 'vscode';
import type { ChatStorage } from '../../core/chat/conversationStore';

export class FileChatStorage implements ChatStorage {
  private dirReady?: Thenable<void>;

  constructor(private readonly dir: vscode.Uri) {}

  private uri(name: string): vscode.Uri {
    if (!/^[\w-]+$/.test(name)) throw new Error(`Refusing chat storage name ${JSON.stringify(name)}`);
    return vscode.Uri.joinPath(this.dir, `${name}.json`);
  }

  async read(name: string): Promise<unknown> {
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(this.uri(name));
    } catch (e) {
      if (e instanceof vscode.FileSystemError && e.code === 'FileNotFound') return undefined;
      throw e;
    }
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  }

  async write(name: string, value: unknown): Promise<void> {
    this.dirReady ??= vscode.workspace.fs.createDirectory(this.dir);
    await this.dirReady;
    // Write then rename, so a crash mid-write leaves the old file rather than half a new one.
    const tmp = vscode.Uri.joinPath(this.dir, `${name}.json.tmp`);
    await vscode.workspace.fs.writeFile(tmp, new TextEncoder().encode(JSON.stringify(value)));
    await vscode.workspace.fs.rename(tmp, this.uri(name), { overwrite: true });
  }

  async remove(name: string): Promise<void> {
    try {
      await vscode.workspace.fs.delete(this.uri(name));
    } catch (e) {
      if (!(e instanceof vscode.FileSystemError && e.code === 'FileNotFound')) throw e;
    }
  }
}
