// Team mode's working part, bundled into dist/team.cjs with ioredis (src/vscode/team/teamBundle.ts)
// and loaded by TeamMode (teamMode.ts) only once `pacer.team.enabled` is on or a team command
// runs: reads the settings, moves a password pasted in the URL to SecretStorage, builds DeepSeek's
// team slot source.
import * as vscode from 'vscode';
import { realClock } from '../../core/common/clock';
import { Emitter } from '../../core/common/event';
import { Disposable } from '../../core/common/lifecycle';
import type { SlotSource } from '../../core/gate/slotSource';
import { LocalSlotSource } from '../../core/gate/slotSource';
import type { KeyStore } from '../../core/providers/keyStore';
import { createTeamQueue } from '../../core/team/createTeamSource';
import { describeTeamError } from '../../core/team/teamErrors';
import { teamProviders } from '../../core/team/teamProviders';
import type { TeamSlotSource, TeamStatus } from '../../core/team/teamSlotSource';
import { splitRedisUrl } from '../../core/team/teamUrl';
import { withTeamStatus } from '../../core/team/teamStatusView';
import { TeamUsageLedger } from '../../core/team/teamUsage';
import type { TeamQueueTotals, TeamUsageSource } from '../../core/usage/teamTotalsView';
import type { RecordedUsage } from '../../core/usage/usageHistory';
import type { StatusView } from '../../core/providers/statusView';
import type { Logger } from '../log';

const PASSWORD_SECRET = 'pacer.team.redisPassword';
/** Records kept while team mode starts (a few probes in practice; bounded all the same). */
const MAX_EARLY = 500;

interface TeamConfig {
  url: string;
  queueName: string;
  caFile: string;
  /** `pacer.team.providers`: DeepSeek unless others opt in. */
  providers: ReadonlySet<string>;
}

const teamModeOn = () => vscode.workspace.getConfiguration('pacer.team').get<unknown>('enabled') === true;

/** The providers in team mode as the settings say now (also before team mode is on). */
const configuredProviders = () =>
  teamProviders(vscode.workspace.getConfiguration('pacer.team').get<unknown>('providers'));

export class TeamModeImpl extends Disposable implements TeamUsageSource {
  private readonly changed = this._register(new Emitter<void>());
  private readonly rebuild = this._register(new Emitter<void>());
  private config: TeamConfig | undefined;
  private password: string | undefined;
  /** Each team provider's API key, read at reload: its HMAC picks the queue. */
  private apiKeys = new Map<string, string | undefined>();
  /** The latest team slot source of each provider. */
  private readonly sources = new Map<string, TeamSlotSource>();
  /** Each queue's usage totals (by queue id: they outlive the services a rebuild retires). */
  private readonly ledgers = new Map<string, TeamUsageLedger>();
  /** The ledger of each team provider's current queue. */
  private readonly ledgerOf = new Map<string, TeamUsageLedger>();
  /** Records of team providers made before their queue existed. */
  private early: RecordedUsage[] = [];
  private generation = 0;

  /** The team status changed (status bar). */
  readonly onDidChange = this.changed.event;
  /** Team mode was turned on or off or reconfigured: provider services must be rebuilt. */
  readonly onDidNeedRebuild = this.rebuild.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly keys: KeyStore,
    private readonly log: Logger,
  ) {
    super();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('pacer.team')) void this.reload();
      }),
    );
    this._register(keys.onDidChange((id) => configuredProviders().has(id) && void this.reload()));
    this._register(secrets.onDidChange((e) => e.key === PASSWORD_SECRET && void this.reload()));
    void this.reload();
  }

  /** This editor's view of each team provider's queue, in `pacer.team.providers` order; empty when team mode is off. */
  status(): TeamStatus[] {
    if (!this.config) return [];
    const out: TeamStatus[] = [];
    for (const id of this.config.providers) {
      const source = this.sources.get(id);
      if (source) out.push(source.snapshot());
    }
    return out;
  }

  decorate(view: StatusView): StatusView {
    return withTeamStatus(view, this.status(), Date.now());
  }

  get enabled(): boolean {
    return this.config !== undefined;
  }

  /** Read when a provider service is built: a team slot source while team mode is on. */
  slotSourceFor(providerId: string, model: string, initial: number, max: number): SlotSource | undefined {
    const config = this.config;
    if (!config || !config.providers.has(providerId)) return undefined;
    const local = new LocalSlotSource({ clock: realClock, initial, max });
    const caFile = config.caFile || undefined;
    let source: TeamSlotSource;
    try {
      const queue = createTeamQueue({
        url: config.url,
        password: this.password,
        caFile,
        identity: {
          providerId,
          model,
          apiKey: this.apiKeys.get(providerId),
          queueName: config.queueName || undefined,
        },
        local,
        clock: realClock,
        initialCap: initial,
        maxCap: max,
        onModeChange: (mode, error) => {
          if (mode === 'fallback')
            this.log.warn(
              `team queue unreachable, pacing this editor alone: ${describeTeamError(error, { caFile })}`,
            );
          else this.log.info(`team queue in use (${source.snapshot().queueId})`);
          this.changed.fire();
        },
      });
      source = queue.source;
      let ledger = this.ledgers.get(queue.keys.id);
      if (!ledger) {
        ledger = this._register(new TeamUsageLedger({ keys: queue.keys, clock: realClock }));
        this.ledgers.set(queue.keys.id, ledger);
      }
      ledger.use(queue.client);
      this.ledgerOf.set(providerId, ledger);
      for (const r of this.early.filter((e) => e.provider === providerId))
        ledger.add({ at: r.at, ...r.added });
      this.early = this.early.filter((e) => e.provider !== providerId);
    } catch (e) {
      // An unreadable CA file: the gate paces this editor alone, and the log says why.
      this.log.error(
        `team mode could not start, pacing this editor alone: ${describeTeamError(e, { caFile })}`,
      );
      return undefined;
    }
    source.onDidChangeStatus(() => this.changed.fire());
    this.sources.set(providerId, source);
    return source;
  }

  /**
   * A usage record of a team provider adds to its queue's totals in Redis. The team counts what
   * its editors sent, by whatever path: records made before the provider's queue exists (the first
   * probes while team mode starts) wait for it.
   */
  record(r: RecordedUsage): void {
    const ledger = this.ledgerOf.get(r.provider);
    if (ledger) ledger.add({ at: r.at, ...r.added });
    else if (this.early.length < MAX_EARLY && teamModeOn() && configuredProviders().has(r.provider))
      this.early.push(r);
  }

  /** Sends what is not in Redis yet (the window is closing). */
  async flushUsage(): Promise<void> {
    await Promise.all([...this.ledgers.values()].map((l) => l.flush()));
  }

  async totals(since: number): Promise<TeamQueueTotals[] | undefined> {
    const config = this.config;
    if (!config) return undefined;
    const out: TeamQueueTotals[] = [];
    for (const id of config.providers) {
      const source = this.sources.get(id);
      const ledger = this.ledgerOf.get(id);
      if (!source || !ledger) continue;
      const status = source.snapshot();
      const team = status.mode === 'team' ? await ledger.totals(since) : undefined;
      out.push({
        provider: id,
        queueId: status.queueId,
        editorsNow: status.editors,
        ...(team ? { team } : {}),
      });
    }
    return out;
  }

  async reload(): Promise<void> {
    const generation = ++this.generation;
    const c = vscode.workspace.getConfiguration('pacer.team');
    const enabled = teamModeOn();
    const rawUrl = text(c.get<unknown>('redisUrl')).trim();
    let next: TeamConfig | undefined;
    if (enabled && rawUrl) {
      const parts = splitRedisUrl(rawUrl);
      if (!parts) {
        this.log.warn('pacer.team.redisUrl is not a redis:// or rediss:// URL: team mode stays off');
      } else if (parts.password) {
        // Moved to SecretStorage; the setting change that follows reloads again.
        await this.secrets.store(PASSWORD_SECRET, parts.password);
        await c.update('redisUrl', parts.url, vscode.ConfigurationTarget.Global);
        void vscode.window.showInformationMessage(
          'Pacer stored the Redis password from pacer.team.redisUrl in SecretStorage and removed it from your settings.',
        );
        return;
      } else {
        try {
          next = {
            url: parts.url,
            queueName: text(c.get<unknown>('queueName')),
            caFile: text(c.get<unknown>('caFile')),
            providers: teamProviders(c.get<unknown>('providers')),
          };
          this.password = await this.secrets.get(PASSWORD_SECRET);
          const providers = [...next.providers];
          const keys = await Promise.all(providers.map((id) => this.keys.get(id)));
          this.apiKeys = new Map(providers.map((id, i) => [id, keys[i]]));
        } catch (e) {
          this.log.error(`team mode could not start: ${errorText(e)}`);
          next = undefined;
        }
      }
    }
    if (generation !== this.generation || this.isDisposed) return;
    this.config = next;
    // The rebuild below asks for new sources; the old ones belong to the services it retires.
    this.sources.clear();
    this.ledgerOf.clear();
    this.rebuild.fire();
    this.changed.fire();
  }

  async setPasswordCommand(): Promise<void> {
    const value = await vscode.window.showInputBox({
      title: 'Pacer: team Redis password',
      prompt: 'Stored in SecretStorage, never in settings. Empty: remove the stored password.',
      password: true,
      ignoreFocusOut: true,
    });
    if (value === undefined) return;
    if (value) await this.secrets.store(PASSWORD_SECRET, value);
    else await this.secrets.delete(PASSWORD_SECRET);
    this.log.info(value ? 'team Redis password stored' : 'team Redis password removed');
  }
}

/** A hand-edited setting of the wrong type reads as empty (not a crash in reload). */
function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
