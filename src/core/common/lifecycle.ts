// The VS Code lifecycle kit without VS Code (after microsoft/vscode src/vs/base/common/lifecycle.ts):
// a class that owns resources extends `Disposable` and registers each one with `_register`, so
// disposing the owner disposes everything it made, once, in reverse order, and nothing is
// disposed by hand. Browser-safe: no Node built-ins.

export interface IDisposable {
  dispose(): void;
}

/** Wraps a function as a disposable that runs it at most once. */
export function toDisposable(fn: () => void): IDisposable {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      fn();
    },
  };
}

/** Disposes each item, continuing past a failing one; rethrows the first failure at the end. */
export function disposeAll(items: Iterable<IDisposable>): void {
  let first: unknown;
  let failed = false;
  for (const item of items) {
    try {
      item.dispose();
    } catch (error) {
      if (!failed) first = error;
      failed = true;
    }
  }
  if (failed) throw first;
}

/** A set of disposables disposed together. Adding to a disposed store disposes the item at once. */
export class DisposableStore implements IDisposable {
  private readonly items = new Set<IDisposable>();
  private disposedFlag = false;

  get isDisposed(): boolean {
    return this.disposedFlag;
  }

  add<T extends IDisposable>(item: T): T {
    if (this.disposedFlag) {
      item.dispose();
      return item;
    }
    this.items.add(item);
    return item;
  }

  /** Forgets an item without disposing it (its owner took it back). */
  delete(item: IDisposable): void {
    this.items.delete(item);
  }

  /** Disposes what the store holds and stays usable. */
  clear(): void {
    const items = [...this.items].reverse();
    this.items.clear();
    disposeAll(items);
  }

  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    this.clear();
  }
}

/** Base class for owners of resources: `_register` what you create; `dispose()` is idempotent. */
export abstract class Disposable implements IDisposable {
  private readonly store = new DisposableStore();

  /** True once disposed: long-running work checks it before touching its resources again. */
  protected get isDisposed(): boolean {
    return this.store.isDisposed;
  }

  protected _register<T extends IDisposable>(item: T): T {
    return this.store.add(item);
  }

  dispose(): void {
    this.store.dispose();
  }
}

/** Holds at most one disposable: setting a new value disposes the previous one. */
export class MutableDisposable<T extends IDisposable> implements IDisposable {
  private current: T | undefined;
  private disposedFlag = false;

  get value(): T | undefined {
    return this.current;
  }

  set value(next: T | undefined) {
    if (this.disposedFlag) {
      next?.dispose();
      return;
    }
    if (next === this.current) return;
    this.current?.dispose();
    this.current = next;
  }

  clear(): void {
    this.value = undefined;
  }

  dispose(): void {
    this.clear();
    this.disposedFlag = true;
  }
}
