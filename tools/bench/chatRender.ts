// Benchmark section `chatRender`: the real webview bundle, served with the real HTML and CSP to
// headless Chromium, receives a 10,000-token markdown answer (prose, lists and code blocks) at
// 1,000 tokens/s, one `delta` message per token (the extension coalesces tokens per frame; one per
// token is the harder case for the webview). It reports tokens that never reached the screen
// (`lostTokens`, target 0) and the time from the last chunk to the last token in the DOM
// (`tailMs`, target < 150 ms).
//
// The page itself (server, browser, stand-in host) is test/helpers/chatPage.ts, shared with the tests.
import {
  initMessage,
  launchBrowser,
  openChatPage,
  startChatPageServer,
  type ChatPage,
} from '../../test/helpers/chatPage';
import type { Row, SectionOptions, SectionOutput } from './types';

// Callbacks handed to page.evaluate run in Chromium. This program is compiled without the DOM lib
// (src/core must not see browser globals), so this file declares the page's globals itself, loosely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any, document: any, MutationObserver: any;

// ---------------------------------------------------------------------------------------------
// The answer: markdown sections of prose, a list and a TypeScript block. Every word or identifier
// that carries content has a unique id (w00001, v00002...) so the DOM can be checked for each.

export interface Answer {
  tokens: string[];
  /** Ids that must be on screen at the end, in order. */
  ids: string[];
}

export function makeAnswer(total: number): Answer {
  const tokens: string[] = [];
  const ids: string[] = [];
  let n = 0;
  const id = (prefix: string) => {
    n++;
    const s = `${prefix}${String(n).padStart(5, '0')}`;
    ids.push(s);
    return s;
  };
  const push = (t: string) => tokens.push(t);
  let section = 0;
  while (tokens.length < total) {
    section++;
    push(`## Part `);
    push(`${id('h')}\n\n`);
    for (let i = 0; i < 40; i++) push(`${id('w')}${i % 13 === 12 ? '.' : ''} `);
    push('\n\n');
    for (let i = 0; i < 3; i++) {
      push('- item ');
      push(`**${id('w')}** `);
      push(`\`${id('c')}\`\n`);
    }
    push('\n```ts\n');
    for (let line = 0; line < 8; line++) {
      push('const ');
      push(`${id('v')} = `);
      push(`${id('v')}(`);
      push(`'${id('s')}'`);
      push(`, ${line});\n`);
    }
    push('```\n\n');
    if (section % 5 === 0) {
      push('> Note: ');
      for (let i = 0; i < 10; i++) push(`${id('w')} `);
      push('\n\n');
    }
  }
  // Trim to exactly `total` tokens; ids beyond the cut are not expected.
  const kept = tokens.slice(0, total);
  const text = kept.join('');
  return { tokens: kept, ids: ids.filter((x) => text.includes(x)) };
}

export interface RenderRun {
  tokens: number;
  checkedIds: number;
  lostTokens: number;
  misordered: number;
  tailMs: number;
  streamMs: number;
  longTasks: number;
  maxLongTaskMs: number;
}

/** Streams `answer` into a fresh page at `tokensPerSecond`, `perMessage` tokens per delta. */
export async function renderRun(
  page: ChatPage,
  answer: Answer,
  tokensPerSecond: number,
  perMessage: number,
): Promise<RenderRun> {
  await page.send(initMessage());
  const now = Date.now();
  await page.send({
    type: 'turnStart',
    user: { id: 'u1', role: 'user', text: 'Explain with code.', status: 'done', createdMs: now },
    assistant: { id: 'a1', role: 'assistant', text: '', status: 'streaming', createdMs: now },
  });
  const timing = await page.page.evaluate(
    async ({ tokens, rate, per, lastId }) => {
      const article = document.querySelector('article[data-message-id="a1"]');
      if (!article) throw new Error('the answer element is missing');
      const longTasks: number[] = [];
      const po = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) longTasks.push(e.duration);
      });
      try {
        po.observe({ type: 'longtask' as never, buffered: false });
      } catch {
        // longtask entries are not supported everywhere; the count stays 0
      }
      let lastPostAt = 0;
      let seenAt = 0;
      const seen = new Promise<void>((resolve) => {
        const mo = new MutationObserver(() => {
          if (lastPostAt && !seenAt && (article.textContent ?? '').includes(lastId)) {
            seenAt = performance.now();
            mo.disconnect();
            resolve();
          }
        });
        mo.observe(article, { childList: true, subtree: true, characterData: true });
      });
      const t0 = performance.now();
      let i = 0;
      let seq = 0;
      await new Promise<void>((resolve) => {
        const tick = () => {
          const due = Math.min(tokens.length, Math.floor(((performance.now() - t0) * rate) / 1000) + 1);
          while (i < due) {
            const end = Math.min(due, i + per);
            const content = tokens.slice(i, end).join('');
            i = end;
            if (i >= tokens.length) lastPostAt = performance.now();
            window.postMessage({ type: 'delta', messageId: 'a1', seq: seq++, content }, '*');
          }
          if (i < tokens.length) setTimeout(tick, 1);
          else resolve();
        };
        tick();
      });
      // The last token may already be on screen if it rendered in the same task (it cannot: the
      // message event is async), so this always waits for the observer.
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, 10_000));
      await Promise.race([seen, timeout]);
      po.disconnect();
      return {
        tailMs: seenAt ? seenAt - lastPostAt : -1,
        streamMs: lastPostAt - t0,
        longTasks: longTasks.length,
        maxLongTaskMs: longTasks.length ? Math.max(...longTasks) : 0,
      };
    },
    {
      tokens: answer.tokens,
      rate: tokensPerSecond,
      per: perMessage,
      lastId: answer.ids[answer.ids.length - 1] ?? '',
    },
  );
  // Counted before the end message: what streaming alone put on screen (the end re-renders).
  const shown = await page.page.evaluate(() => {
    const article = document.querySelector('article[data-message-id="a1"] .markdown');
    return (article?.textContent ?? '').match(/\b[hwcvs]\d{5}\b/g) ?? [];
  });
  await page.send({ type: 'turnEnd', messageId: 'a1', status: 'done' });
  const expected = new Set(answer.ids);
  const seen = new Set<string>();
  let misordered = 0;
  let last = '';
  for (const s of shown) {
    if (!expected.has(s) || seen.has(s)) continue;
    seen.add(s);
    if (s.slice(1) < last.slice(1)) misordered++;
    last = s;
  }
  return {
    tokens: answer.tokens.length,
    checkedIds: answer.ids.length,
    lostTokens: answer.ids.length - seen.size,
    misordered,
    tailMs: Math.round(timing.tailMs * 10) / 10,
    streamMs: Math.round(timing.streamMs),
    longTasks: timing.longTasks,
    maxLongTaskMs: Math.round(timing.maxLongTaskMs),
  };
}

export async function run({ quick }: SectionOptions): Promise<SectionOutput> {
  const total = quick ? 3_000 : 10_000;
  const rate = 1_000;
  const answer = makeAnswer(total);
  const server = await startChatPageServer();
  const browser = await launchBrowser();
  const rows: Row[] = [];
  let headline: RenderRun | undefined;
  try {
    for (const [mode, per] of [
      ['one delta per token', 1],
      ['coalesced (~16 per delta)', 16],
    ] as const) {
      const page = await openChatPage(browser, server);
      try {
        const r = await renderRun(page, answer, rate, per);
        if (page.errors.length) throw new Error(`page errors: ${page.errors.join('; ')}`);
        rows.push({ mode, ...r });
        headline ??= r;
      } finally {
        await page.close();
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const h = headline as RenderRun;
  return {
    name: 'chatRender',
    result: { tokens: h.tokens, lostTokens: h.lostTokens, tailMs: h.tailMs },
    rows,
    targets: [
      { name: 'lostTokens = 0', met: h.lostTokens === 0, value: String(h.lostTokens) },
      { name: 'tailMs < 150', met: h.tailMs < 150, value: `${h.tailMs} ms` },
    ],
  };
}
