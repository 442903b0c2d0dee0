// "This provider needs a key": said when a request first wants a provider with no key stored
// (once until the key store changes), and each time a provider rejects its key (401).
import type { PacerError } from '../common/errors';
import { Emitter } from '../common/event';
import { Disposable } from '../common/lifecycle';
import type { RouterMember } from './routerMember';
import type { RouteClass } from './routing';

export interface KeyNeeded {
  providerId: string;
  label: string;
  /** 'missing': no key stored; 'rejected': the provider answered 401. */
  why: 'missing' | 'rejected';
  requestClass: RouteClass;
}

export class KeyAnnouncer extends Disposable {
  private readonly needed = this._register(new Emitter<KeyNeeded>());
  /** Providers already announced as missing a key (until the key store changes). */
  private readonly announcedMissing = new Set<string>();

  readonly onDidNeedKey = this.needed.event;

  /** A request's first choice has no key yet ("asked for on first use"). */
  firstChoiceWithoutKey(member: RouterMember, cls: RouteClass): void {
    if (member.hasKey) return;
    this.missing(member, cls);
  }

  /** A 401 (the key was rejected) or the client finding no key at all (no HTTP status). */
  failed(member: RouterMember, cls: RouteClass, error: PacerError): void {
    if (error.status !== undefined) return this.fire(member, cls, 'rejected');
    member.setKeyPresent(false);
    this.missing(member, cls);
  }

  /** The key store changed for this provider: a missing key may be announced again. */
  forget(providerId: string): void {
    this.announcedMissing.delete(providerId);
  }

  private missing(member: RouterMember, cls: RouteClass): void {
    if (this.announcedMissing.has(member.id)) return;
    this.announcedMissing.add(member.id);
    this.fire(member, cls, 'missing');
  }

  private fire(member: RouterMember, cls: RouteClass, why: KeyNeeded['why']): void {
    this.needed.fire({ providerId: member.id, label: member.info.label, why, requestClass: cls });
  }
}
