// What the chat panel must hear about its history: chats that could not be read, or saves that
// fail. One problem at a time, each told once (saves while streaming fail once a second).

/** Chat history the user should hear about: chats that could not be read, or saves that fail. */
export interface StoreProblem {
  kind: 'read' | 'save';
  detail: string;
}

export class StoreProblems {
  private problem: StoreProblem | undefined;
  private readonly listeners = new Set<(problem: StoreProblem | undefined) => void>();

  get current(): StoreProblem | undefined {
    return this.problem;
  }

  listen(listener: (problem: StoreProblem | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  report(problem: StoreProblem): void {
    if (this.problem?.kind === problem.kind && this.problem.detail === problem.detail) return;
    this.problem = problem;
    for (const l of this.listeners) l(problem);
  }

  /** The problem of this kind is over (a save went through again). */
  clear(kind: StoreProblem['kind']): void {
    if (this.problem?.kind !== kind) return;
    this.problem = undefined;
    for (const l of this.listeners) l(undefined);
  }
}
