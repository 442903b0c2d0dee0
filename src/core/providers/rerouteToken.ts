// "Use ⟨fallback⟩ now", passed with a chat request like an AbortSignal: the caller creates the
// token, hands it over with the request, and triggers it when the user asks. The router moves the
// request to its alternative if it is waiting (cooling down, sleeping before a retry) at that
// moment; a request in flight is left alone, and a trigger is not remembered for later.
import { Emitter } from '../common/event';
import type { IDisposable } from '../common/lifecycle';

export class RerouteToken implements IDisposable {
  private readonly triggered = new Emitter<void>();

  /** The user asked to move the request now. */
  readonly onDidTrigger = this.triggered.event;

  trigger(): void {
    this.triggered.fire();
  }

  dispose(): void {
    this.triggered.dispose();
  }
}
