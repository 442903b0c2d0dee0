// The newest version of each document the editor has reported. VS Code cancels a provider call
// only when it makes the next one, after its own 50 ms wait and the extension host's queue
// (typingEditor on a loaded machine: 170 ms after the key at the median, 700 ms at p90). A
// debounce that ends in between sends a request for text the user has already typed past, and
// the in-flight grace then keeps it alive until it is sent and billed. The document change
// event comes first: a wait for an older version ends there, before anything is sent. It also
// says when the key was typed (`heardAt`): VS Code calls 50 ms after an edit at best, and
// 100-350 ms after it in a busy window; the engine does not add that delay to its wait.

interface Waiter {
  version: number;
  controller: AbortController;
}

/** A document's newest version, and when its change was heard. */
interface Heard {
  version: number;
  at: number;
}

export class EditWatch {
  private readonly newest = new Map<string, Heard>();
  private readonly waiters = new Map<string, Set<Waiter>>();

  /** The document changed (at `at`): waits for any older version of it end now. */
  edited(docKey: string, version: number, at: number): void {
    this.newest.delete(docKey);
    this.newest.set(docKey, { version, at });
    if (this.newest.size > 200) this.newest.delete(this.newest.keys().next().value as string);
    for (const w of this.waiters.get(docKey) ?? []) {
      if (w.version < version) w.controller.abort();
    }
  }

  /** Whether the document has moved past `version`. */
  isStale(docKey: string, version: number | undefined): boolean {
    const newest = this.newest.get(docKey);
    return version !== undefined && newest !== undefined && newest.version > version;
  }

  /** When the change that made `version` was heard, while it is the newest one heard of. */
  heardAt(docKey: string, version: number | undefined): number | undefined {
    const newest = this.newest.get(docKey);
    return version !== undefined && newest?.version === version ? newest.at : undefined;
  }

  /**
   * Runs `wait` with a signal that also aborts when the document moves past `version`; true when
   * it ran to its end for a version still current.
   */
  async waitFor(
    docKey: string,
    version: number | undefined,
    signal: AbortSignal,
    wait: (signal: AbortSignal) => Promise<unknown>,
  ): Promise<boolean> {
    if (version === undefined) return wait(signal).then(() => !signal.aborted);
    if (this.isStale(docKey, version)) return false;
    const waiter: Waiter = { version, controller: new AbortController() };
    const onAbort = () => waiter.controller.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const set = this.waiters.get(docKey) ?? new Set<Waiter>();
    set.add(waiter);
    this.waiters.set(docKey, set);
    try {
      await wait(waiter.controller.signal);
      return !waiter.controller.signal.aborted && !this.isStale(docKey, version);
    } catch {
      return false;
    } finally {
      signal.removeEventListener('abort', onAbort);
      set.delete(waiter);
      if (set.size === 0) this.waiters.delete(docKey);
    }
  }

  forget(docKey: string): void {
    this.newest.delete(docKey);
  }
}
