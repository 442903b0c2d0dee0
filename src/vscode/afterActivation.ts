// Work that the editor should not wait for: activate() returns first (the activation bench counts
// everything until it does), then this runs on the next turn of the event loop.
import type { IDisposable } from '../core/common/lifecycle';
import { toDisposable } from '../core/common/lifecycle';

/** Runs `work` once activate() has returned; disposing before then cancels it. */
export function afterActivation(work: () => void): IDisposable {
  const timer = setTimeout(work, 0);
  return toDisposable(() => clearTimeout(timer));
}
