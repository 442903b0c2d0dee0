// A built-in local server (Ollama, LM Studio, llama.cpp) receives the user's code: said once per
// provider and session, so the editor can tell the user where their code goes.
import { Emitter } from '../common/event';
import { Disposable } from '../common/lifecycle';
import type { RouterLog, RouterMember } from './routerMember';

export interface LocalServerUse {
  providerId: string;
  label: string;
  baseUrl: string;
}

export class LocalUseAnnouncer extends Disposable {
  private readonly used = this._register(new Emitter<LocalServerUse>());
  private readonly announced = new Set<string>();

  readonly onDidSendToLocalServer = this.used.event;

  constructor(private readonly log: RouterLog) {
    super();
  }

  noteUse(member: RouterMember): void {
    if (!member.info.identity || this.announced.has(member.id)) return;
    this.announced.add(member.id);
    this.log.info(`${member.info.label} at ${member.info.baseUrl} receives code from now on`);
    this.used.fire({ providerId: member.id, label: member.info.label, baseUrl: member.info.baseUrl });
  }
}
