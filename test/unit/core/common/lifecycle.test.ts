import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Commands } from '../../../../src/core/common/commands';
import {
  Disposable,
  DisposableStore,
  MutableDisposable,
  toDisposable,
} from '../../../../src/core/common/lifecycle';
import { median } from '../../../../src/core/common/stats';

test('a Disposable disposes what it registered, once, newest first', () => {
  const order: string[] = [];
  class Owner extends Disposable {
    constructor() {
      super();
      this._register(toDisposable(() => order.push('a')));
      this._register(toDisposable(() => order.push('b')));
    }
    get gone() {
      return this.isDisposed;
    }
  }
  const owner = new Owner();
  assert.equal(owner.gone, false);
  owner.dispose();
  owner.dispose();
  assert.deepEqual(order, ['b', 'a']);
  assert.equal(owner.gone, true);
});

test('a store disposes late additions at once and keeps going past a failing item', () => {
  const store = new DisposableStore();
  let late = 0;
  let after = 0;
  store.add(toDisposable(() => after++));
  store.add(
    toDisposable(() => {
      throw new Error('broken');
    }),
  );
  assert.throws(() => store.dispose(), /broken/);
  assert.equal(after, 1, 'the item before the failing one was still disposed');
  store.add(toDisposable(() => late++));
  assert.equal(late, 1);
});

test('a MutableDisposable disposes the value it replaces', () => {
  const disposed: number[] = [];
  const slot = new MutableDisposable();
  slot.value = toDisposable(() => disposed.push(1));
  slot.value = toDisposable(() => disposed.push(2));
  assert.deepEqual(disposed, [1]);
  slot.dispose();
  assert.deepEqual(disposed, [1, 2]);
  slot.value = toDisposable(() => disposed.push(3));
  assert.deepEqual(disposed, [1, 2, 3], 'a value set after dispose is disposed at once');
});

test('median of odd, even and empty lists', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test('every command package.json declares has its id in Commands, and back', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as {
    contributes: { commands: Array<{ command: string }> };
  };
  const declared = new Set(pkg.contributes.commands.map((c) => c.command));
  assert.deepEqual([...declared].sort(), Object.values(Commands).sort());
});
