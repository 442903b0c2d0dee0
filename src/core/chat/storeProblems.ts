// What the chat panel must hear about its history: chats that could not be read, or saves that
// fail. One problem at a time, each told once (saves while streaming fail once a second).
import { Emitter } from '../common/event';

/** Chat history the user should hear about: chats that could not be read, or saves that fail. */
export interface StoreProblem {
  kind: 'read' | 'save';
  detail: string;
}

export class StoreProblems {
  private problem: StoreProblem | undefined;
  private readonly changed = new Emitter<StoreProblem | undefined>();
  /** Fires with the new problem, or undefined when the last one is over. */
  readonly onDidChange = this.changed.event;

  get current(): StoreProblem | undefined {
    return this.problem;
  }

  report(problem: StoreProblem): void {
    if (this.problem?.kind === problem.kind && this.problem.detail === problem.detail) return;
    this.problem = problem;
    this.changed.fire(problem);
  }

  /** The problem of this kind is over (a save went through again). */
  clear(kind: StoreProblem['kind']): void {
    if (this.problem?.kind !== kind) return;
    this.problem = undefined;
    this.changed.fire(undefined);
  }
}
