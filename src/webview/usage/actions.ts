// What the dashboard asks of the extension: every post goes through here, typed by the protocol.
import type { ChartId, UsageRange, UsageWebviewMessage } from '../../core/common/usageProtocol';
import type { VsCodeApi } from '../vscodeApi';
import type { UsageState } from './state';

export class UsageActions {
  constructor(
    private readonly api: VsCodeApi,
    private readonly state: UsageState,
  ) {}

  private post(message: UsageWebviewMessage): void {
    this.api.postMessage(message);
  }

  ready(): void {
    // Saved at once: VS Code restores a panel after a reload with the state it last had.
    this.save();
    this.post({ type: 'ready' });
    this.query();
  }

  setRange(range: UsageRange): void {
    this.state.range = range;
    this.save();
    this.query();
  }

  setProvider(provider: string): void {
    this.state.provider = provider;
    this.save();
    this.query();
  }

  exportCsv(chart: ChartId): void {
    this.post({ type: 'exportCsv', chart });
  }

  clearHistory(): void {
    this.post({ type: 'clearHistory' });
  }

  private query(): void {
    this.post({ type: 'query', range: this.state.range, provider: this.state.provider });
  }

  private save(): void {
    this.api.setState({ range: this.state.range, provider: this.state.provider });
  }
}
