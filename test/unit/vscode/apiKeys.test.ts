import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { Emitter } from '../../../src/core/common/event';
import { ApiKeys, secretName } from '../../../src/vscode/providers/apiKeys';

/**
 * SecretStorage as the workbench behaves: every `get` is a round trip (counted here), and a key
 * stored from another window arrives as an `onDidChange` event.
 */
class WorkbenchSecrets {
  readonly values = new Map<string, string>();
  reads = 0;
  failNextRead = false;
  private readonly changed = new Emitter<vscode.SecretStorageChangeEvent>();
  readonly onDidChange = this.changed.event;

  async get(key: string): Promise<string | undefined> {
    this.reads++;
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (this.failNextRead) {
      this.failNextRead = false;
      throw new Error('keyring locked');
    }
    return this.values.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
    this.changed.fire({ key });
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key);
    this.changed.fire({ key });
  }
  /** Another VS Code window stored a key. */
  storeElsewhere(key: string, value: string): void {
    this.values.set(key, value);
    this.changed.fire({ key });
  }
  asStorage(): vscode.SecretStorage {
    return this as unknown as vscode.SecretStorage;
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('ApiKeys', () => {
  test('reads a key from SecretStorage once, not once per request', async () => {
    const secrets = new WorkbenchSecrets();
    secrets.values.set(secretName('deepseek'), 'sk-one');
    const keys = new ApiKeys(secrets.asStorage());
    const read = await Promise.all([keys.get('deepseek'), keys.get('deepseek')]);
    for (let i = 0; i < 20; i++) read.push(await keys.get('deepseek'));
    assert.deepEqual(new Set(read), new Set(['sk-one']));
    assert.equal(secrets.reads, 1);
    assert.equal(keys.has('deepseek'), true);
    keys.dispose();
  });

  test('a key changed in another window is used from the next request on', async () => {
    const secrets = new WorkbenchSecrets();
    secrets.values.set(secretName('deepseek'), 'sk-old');
    const keys = new ApiKeys(secrets.asStorage());
    const changes: string[] = [];
    keys.onDidChange((id) => changes.push(id));
    assert.equal(await keys.get('deepseek'), 'sk-old');
    secrets.storeElsewhere(secretName('deepseek'), 'sk-new');
    assert.equal(await keys.get('deepseek'), 'sk-new');
    await settle();
    assert.deepEqual(changes, ['deepseek']);
    secrets.storeElsewhere(secretName('openai'), 'sk-other');
    assert.equal(await keys.get('deepseek'), 'sk-new', 'another provider’s key leaves this one alone');
    keys.dispose();
  });

  test('a key set or cleared here is used at once, without reading it back', async () => {
    const secrets = new WorkbenchSecrets();
    const keys = new ApiKeys(secrets.asStorage());
    assert.equal(await keys.get('deepseek'), undefined);
    await keys.set('deepseek', 'sk-set');
    assert.equal(await keys.get('deepseek'), 'sk-set');
    await keys.clear('deepseek');
    assert.equal(await keys.get('deepseek'), undefined);
    assert.equal(keys.has('deepseek'), false);
    await settle();
    // Only SecretStorage's own change events read again (they may come from another window).
    assert.equal(await keys.get('deepseek'), undefined);
    keys.dispose();
  });

  test('a read that failed is not kept: the next request reads again', async () => {
    const secrets = new WorkbenchSecrets();
    secrets.values.set(secretName('deepseek'), 'sk-one');
    const keys = new ApiKeys(secrets.asStorage());
    secrets.failNextRead = true;
    await assert.rejects(keys.get('deepseek'), /keyring locked/);
    assert.equal(await keys.get('deepseek'), 'sk-one');
    assert.equal(await keys.get('deepseek'), 'sk-one');
    assert.equal(secrets.reads, 2);
    keys.dispose();
  });
});
