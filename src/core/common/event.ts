// The VS Code event pattern without VS Code: a private emitter and a public `onDidX(listener)`
// that returns a disposable.

import type { IDisposable } from './lifecycle';

/** Kept for the callers that name it: the same shape as `IDisposable`. */
export type Disposable = IDisposable;

export type Listener<T> = (event: T) => void;

export class Emitter<T> {
  private readonly listeners = new Set<Listener<T>>();

  readonly event = (listener: Listener<T>): Disposable => {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  };

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  fire(event: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        // A broken listener (a UI bug) must not break the gate's bookkeeping in the middle of a transition.
        console.error('[gate] listener failed', error);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
