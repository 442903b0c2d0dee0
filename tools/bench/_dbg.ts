import { Router } from '../../src/core/providers/router';
import { keyOrPlaceholder, toEndpoint } from '../../src/core/providers/catalog';
import { createProviderService } from '../../src/core/providerService';
import { startEmulator } from '../emulator/server';
const t0 = Date.now();
const ts = () => String(Date.now() - t0).padStart(6);
const timing = { ttftMs: 150, tokensPerSecond: 300, answerTokens: 40 };
const primary = await startEmulator(timing);
const fallback = await startEmulator(timing);
const log = { info: (m: string) => console.log(ts(), 'I', m), warn: (m: string) => console.log(ts(), 'W', m), debug: (m: string) => console.log(ts(), 'D', m) };
const router = new Router({
  log,
  settings: { providers: { enabled: ['deepseek', 'backup'], chatOrder: ['deepseek', 'backup'], completionOrder: ['deepseek', 'backup'], routing: 'automatic', pinned: 'deepseek', baseUrls: { deepseek: primary.url }, custom: [{ id: 'backup', label: 'Backup', baseUrl: `${fallback.url}/beta`, supportsFim: true, needsKey: false, chatModel: 'deepseek-flash' }], models: {} }, failoverAfterMs: 2000, probeIntervalMs: 1000, dailyLimitUsd: 0, chatDeadlineMs: 180000, completionDeadlineMs: 1500 },
  createService: (info) => createProviderService(toEndpoint(info, async () => keyOrPlaceholder(undefined, info.baseUrl), async (i, init) => { try { const r = await fetch(i, init); if (r.status >= 400) console.log(ts(), 'F', info.id, String(i).slice(-20), r.status); return r; } catch (e) { console.log(ts(), 'F', info.id, 'throw', (e as Error).message); throw e; } })),
});
let running = true; let n = 0;
const chatLoop = async (p: number) => { while (running) { const s = Date.now(); try { const r = await router.chat({ messages: [{ role: 'user', content: `p${p} q${n++}` }], model: 'deepseek-flash' }, { onWait: (w) => console.log(ts(), 'wait', p, w.reason, w.untilMs ? w.untilMs - Date.now() : '') }); console.log(ts(), 'chat', p, r.providerId, Date.now() - s); } catch (e) { console.log(ts(), 'chat ERR', p, (e as Error).message); } await new Promise((r) => setTimeout(r, 200)); } };
const typist = async () => { while (running) { const i = n++; const s = Date.now(); router.complete({ prompt: `x${i}`, suffix: '', maxTokens: 16 }).then((r) => console.log(ts(), 'fim', r.providerId, Date.now() - s), (e) => console.log(ts(), 'fim ERR', e.kind, e.message)); await new Promise((r) => setTimeout(r, 250)); } };
const loops = [chatLoop(1), chatLoop(2), typist()];
await new Promise((r) => setTimeout(r, 1000));
console.log(ts(), '=== FAULT', process.argv[2]);
primary.setFault({ kind: process.argv[2] as 'rateLimited' });
await new Promise((r) => setTimeout(r, 3000));
console.log(ts(), '=== RECOVER');
primary.setFault({ kind: 'none' });
await new Promise((r) => setTimeout(r, 2500));
running = false; await Promise.all(loops); router.dispose(); await primary.close(); await fallback.close(); process.exit(0);
