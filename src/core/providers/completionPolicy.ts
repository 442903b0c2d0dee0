// How a completion fails over: it never waits out a cooldown or an open circuit when another
// provider answers now, and any provider failure moves it (its deadline is short).
import { isAbandoned, PacerError } from '../common/errors';
import type { IDisposable } from '../common/lifecycle';
import { providerMessages } from '../common/messages/providers';
import type { FailoverDeps, FailoverPolicy, Hop } from './failoverLoop';
import type { CompletionResult, FimRequest, RequestOptions } from './modelService';
import { deadlineError } from './routerErrors';
import { usableFor } from './routing';

export class CompletionPolicy implements FailoverPolicy<CompletionResult> {
  readonly cls = 'completion';
  readonly roundHops = 0;
  readonly deadlineMs: number;
  private moveIfStuck = () => {};

  constructor(
    private readonly deps: FailoverDeps,
    private readonly request: FimRequest,
    options: RequestOptions,
  ) {
    this.deadlineMs = options.deadlineMs ?? deps.settings().completionDeadlineMs;
  }

  pastDeadline(): PacerError {
    return deadlineError('completion', this.deadlineMs);
  }

  begin(hop: Hop): IDisposable {
    const { deps } = this;
    const { member, scope } = hop;
    // In flight during a cooldown it is left to finish (the provider accepted it); when the
    // circuit opens it moves wherever it is (queued behind chat, or in flight on a failing
    // provider): it is cheap, and its deadline is short.
    this.moveIfStuck = () => {
      if (scope.moved || deps.settings().providers.routing === 'pinned') return;
      const h = member.health();
      const now = deps.clock.now();
      if (usableFor('completion', h, now, deps.settings().failoverAfterMs)) return;
      if (h.kind === 'rateLimited' && !scope.isWaiting(now)) return;
      if (!deps.picker.hasUsableAlternative('completion', hop.tried, member.id)) return;
      scope.move(
        new PacerError({
          kind: 'unavailable',
          providerId: member.id,
          message: providerMessages.completionMoved(member.info.label),
        }),
      );
    };
    return member.service.onDidChange(this.moveIfStuck);
  }

  attempt(hop: Hop): Promise<CompletionResult> {
    const { member, scope } = hop;
    return member.service.complete(
      { ...this.request, model: member.modelFor('completion', this.request.model) },
      {
        signal: scope.signal,
        deadlineMs: hop.remainingMs,
        onWait: (info) => {
          scope.noteWait(info);
          this.moveIfStuck();
        },
      },
    );
  }

  succeeded(hop: Hop, result: CompletionResult, latencyMs: number): CompletionResult {
    hop.member.observe({ ok: true, requestClass: 'completion', latencyMs });
    return result;
  }

  ends(_hop: Hop, error: PacerError): PacerError | undefined {
    // Abandoned (deadline, superseded) ends the request; any provider failure moves it.
    return this.deps.settings().providers.routing === 'pinned' || isAbandoned(error.kind) ? error : undefined;
  }

  left(): void {}
}
