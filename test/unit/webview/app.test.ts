// The chat webview bundle in headless Chromium, served with the panel's real HTML and CSP and fed
// messages as the extension posts them: the sanitizer against known XSS payloads (with the CSP
// removed, so the sanitizer alone has to hold), the CSP itself, and the panel's behaviour (Enter
// sends, Stop, wait line with countdown, restart note, code-block buttons, chips, history, errors).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { HostMessage } from '../../../src/core/common/chatProtocol';
import { chatCsp, chatHtml } from '../../../src/vscode/chat/chatHtml';
import {
  chatPageSkip,
  emptyConversation,
  initMessage,
  MESSAGE_TIME,
  answerMessage,
  userMessage,
  launchBrowser,
  openChatPage,
  startChatPageServer,
  type ChatPage,
  type ChatPageServer,
} from '../../helpers/chatPage';

// Callbacks handed to page.evaluate run in Chromium. This program is compiled without the DOM lib
// (src/core must not see browser globals), so this file declares the page's globals itself, loosely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any, document: any, getComputedStyle: any;

let browser: Browser;
let withCsp: ChatPageServer;
let withoutCsp: ChatPageServer;

// Chromium comes with the editor tools (tools/editor/installEditor.mjs); without it these skip.
const skip = chatPageSkip;

before(async () => {
  if (skip) return;
  [browser, withCsp, withoutCsp] = await Promise.all([
    launchBrowser(),
    startChatPageServer(),
    startChatPageServer({ csp: false }),
  ]);
});
after(async () => {
  await shared?.close();
  await browser?.close();
  await withCsp?.close();
  await withoutCsp?.close();
});

const T = MESSAGE_TIME;
const user = userMessage;
const answer = answerMessage;

// Each payload tries to set window.__pwned (or open a dialog) if it ever runs.
const PAYLOADS = [
  `<a href="https://example.com" onclick="window.__pwned='onclick'" style="x">ok link</a>`,
  '`<img src=x onerror=alert(1)>`',
  `<script>window.__pwned = 'script'</script>`,
  `<img src=x onerror="window.__pwned = 'img onerror'">`,
  `<svg><script>window.__pwned = 'svg script'</script></svg>`,
  `<svg onload="window.__pwned = 'svg onload'"></svg>`,
  `<iframe src="javascript:parent.__pwned = 'iframe'"></iframe>`,
  `<iframe srcdoc="<script>parent.__pwned = 'srcdoc'</script>"></iframe>`,
  `<a href="javascript:window.__pwned = 'a href'">click me</a>`,
  `[md link](javascript:window.__pwned='md link')`,
  `[spaced](  javascript:window.__pwned='spaced')`,
  `<a href="jav&#x09;ascript:window.__pwned='entity'">entity</a>`,
  `<a href="data:text/html,<script>alert(1)</script>">data url</a>`,
  `<a href="vbscript:msgbox(1)">vb</a>`,
  `![img](x" onerror="window.__pwned='md image')`,
  `<details open ontoggle="window.__pwned = 'details'"><summary>s</summary>x</details>`,
  `<input autofocus onfocus="window.__pwned = 'autofocus'">`,
  `<form action="javascript:window.__pwned='form'"><button>go</button></form>`,
  `<object data="javascript:window.__pwned='object'"></object>`,
  `<embed src="javascript:window.__pwned='embed'">`,
  `<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned='mxss'">`,
  `<noscript><p title="</noscript><img src=x onerror=window.__pwned='noscript'>">`,
  `<style>@import 'http://127.0.0.1:9/x.css'; body { display: none }</style>`,
  `<div style="background:url(javascript:window.__pwned='style')">styled</div>`,
  `<body onload="window.__pwned = 'body'">`,
  `<meta http-equiv="refresh" content="0;url=javascript:window.__pwned='meta'">`,
  `<base href="javascript:window.__pwned='base'//">`,
  `<link rel="stylesheet" href="http://127.0.0.1:9/evil.css">`,
  '```"><img src=x onerror="window.__pwned=\'fence lang\'">\ncode\n```',
].join('\n\n');

async function assertNothingRan(p: ChatPage, where: string): Promise<void> {
  // Let late handlers fire (image errors, toggles, focus).
  await p.page.waitForTimeout(300);
  const state = await p.page.evaluate(() => {
    // The conversation, not the composer (whose own checkbox is an <input>).
    const root = document.querySelector('.messages');
    const all = [...root.querySelectorAll('*')];
    return {
      pwned: (window as unknown as { __pwned?: string }).__pwned ?? null,
      badTags: all
        .map((e) => e.tagName.toLowerCase())
        .filter((t) =>
          [
            'script',
            'img',
            'svg',
            'iframe',
            'object',
            'embed',
            'form',
            'input',
            'style',
            'link',
            'meta',
            'base',
            'math',
            'noscript',
            'body',
          ].includes(t),
        ),
      eventAttrs: all.flatMap((e) =>
        [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName}.${a.name}`),
      ),
      styleAttrs: all.filter((e) => e.hasAttribute('style')).length,
      hrefs: [...root.querySelectorAll('a')].map((a) => a.getAttribute('href')),
      codeSpans: [...root.querySelectorAll('.markdown p > code')].map((c) => c.textContent),
      bodyShown: getComputedStyle(document.body).display !== 'none',
    };
  });
  assert.equal(state.pwned, null, `${where}: a payload ran (${state.pwned})`);
  assert.deepEqual(state.badTags, [], `${where}: dangerous elements reached the DOM`);
  assert.deepEqual(state.eventAttrs, [], `${where}: event handler attributes reached the DOM`);
  assert.equal(state.styleAttrs, 0, `${where}: style attributes reached the DOM`);
  for (const href of state.hrefs) {
    assert.ok(href === null || /^https?:|^mailto:/i.test(href), `${where}: unsafe link ${href}`);
  }
  assert.ok(state.hrefs.includes('https://example.com'), `${where}: the safe link survived`);
  assert.ok(
    state.codeSpans.includes('<img src=x onerror=alert(1)>'),
    `${where}: code spans show markup as text`,
  );
  assert.ok(state.bodyShown, `${where}: a style payload applied`);
  // Clicking every link without a safe href must not run anything either.
  await p.page.evaluate(() => {
    for (const a of document.querySelectorAll('.messages a')) {
      if (!/^(https?|mailto):/i.test(a.getAttribute('href') ?? '')) a.click();
    }
  });
  await p.page.waitForTimeout(100);
  assert.equal(
    await p.page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned ?? null),
    null,
  );
}

// One page for the whole file, loaded afresh for each test: a new page would cost a renderer
// process each time, and the tests run one after another anyway.
let shared: ChatPage | undefined;
const dialogs: string[] = [];

async function open(server: ChatPageServer, init: HostMessage = initMessage()): Promise<ChatPage> {
  if (!shared) {
    shared = await openChatPage(browser, server);
    shared.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  } else {
    await shared.reload(server);
  }
  dialogs.length = 0;
  await shared.send(init);
  return shared;
}

/**
 * Ends a test on the shared page: no page errors and no dialogs (alert() from a payload). With
 * payloads under the CSP, Chromium logs a CSP report for each handler or style attribute it
 * meets while the sanitizer parses (and refuses to run it): those are the CSP at work.
 */
async function done(p: ChatPage, options: { cspReports?: boolean } = {}): Promise<void> {
  const errors = p.errors.filter(
    (e) => !(options.cspReports && /violates the following Content Security Policy/.test(e)),
  );
  assert.deepEqual([...errors, ...dialogs], [], 'page errors or dialogs');
}

describe('chat webview: model output is sanitised', { skip }, () => {
  for (const [label, server] of [
    ['without the CSP (the sanitizer alone)', () => withoutCsp],
    ['with the CSP', () => withCsp],
  ] as const) {
    test(`XSS payloads in a stored answer do not run, ${label}`, async () => {
      const conv = { ...emptyConversation(), messages: [user('u1', PAYLOADS), answer('a1', PAYLOADS)] };
      const p = await open(server(), initMessage(conv));
      await p.page.locator('article[data-message-id="a1"] .md-frozen').waitFor();
      await assertNothingRan(p, 'stored answer');
      // The user's own text is shown as text, markup and all.
      const userText = await p.page.locator('article[data-message-id="u1"] .user-text').textContent();
      assert.ok(userText?.includes(`<script>window.__pwned = 'script'</script>`));
      await done(p, { cspReports: server() === withCsp });
    });

    test(`XSS payloads streamed in small pieces do not run, ${label}`, async () => {
      const p = await open(server());
      await p.send({
        type: 'turnStart',
        user: user('u1', 'hi'),
        assistant: answer('a1', '', { status: 'streaming' }),
      });
      // Pieces of 7 characters split tags and attributes across deltas; frames render in between.
      await p.page.evaluate(async (text) => {
        let seq = 0;
        for (let i = 0; i < text.length; i += 7) {
          window.postMessage(
            { type: 'delta', messageId: 'a1', seq: seq++, content: text.slice(i, i + 7) },
            '*',
          );
          if (seq % 5 === 0) await new Promise((r) => setTimeout(r, 8));
        }
      }, PAYLOADS);
      await assertNothingRan(p, 'while streaming');
      await p.send({ type: 'turnEnd', messageId: 'a1', status: 'done' });
      await assertNothingRan(p, 'after the end');
      await done(p, { cspReports: server() === withCsp });
    });
  }

  test('the CSP has no unsafe-inline, no eval, no remote origins, and stops an injected inline script', async () => {
    const csp = chatCsp('https://file+.vscode-resource.vscode-cdn.net', 'abc');
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*|https?:\s|http:/);
    assert.match(csp, /^default-src 'none'; /);
    assert.match(csp, /script-src 'nonce-abc'(;|$)/);
    const html = chatHtml({
      cspSource: 'vscode-src',
      scriptUri: 'a" onload="x',
      styleUri: 's',
      nonce: 'n"x',
    });
    assert.match(html, /src="a&quot; onload=&quot;x"/, 'attribute values are escaped');
    assert.match(html, /nonce="n&quot;x"/);

    const p = await open(withCsp);
    const ran = await p.page.evaluate(async () => {
      const s = document.createElement('script');
      s.textContent = 'window.__pwned = "inline"';
      document.body.append(s);
      const d = document.createElement('div');
      d.innerHTML = '<img src="data:," onerror="window.__pwned = \'handler\'">';
      document.body.append(d);
      await new Promise((r) => setTimeout(r, 200));
      return (window as unknown as { __pwned?: string }).__pwned ?? null;
    });
    assert.equal(ran, null);
    await done(p, { cspReports: true });
  });
});

describe('chat webview: the panel', { skip }, () => {
  test('Enter sends and clears the input, Shift+Enter adds a line; Stop shows while streaming and a stopped prompt comes back', async () => {
    const p = await open(withCsp);
    const input = p.page.getByRole('textbox', { name: /Message Pacer/ });
    await input.click();
    await input.pressSequentially('first line');
    await input.press('Shift+Enter');
    await input.pressSequentially('second line');
    await input.press('Enter');
    assert.deepEqual(
      (await p.posted()).filter((m) => m.type === 'send'),
      [{ type: 'send', text: 'first line\nsecond line' }],
    );
    assert.equal(await input.inputValue(), '');

    await p.send({
      type: 'turnStart',
      user: user('u1', 'first line\nsecond line'),
      assistant: answer('a1', '', { status: 'streaming' }),
    });
    const stop = p.page.getByRole('button', { name: 'Stop the answer' });
    await stop.waitFor();
    assert.equal(await p.page.getByRole('button', { name: 'Send message' }).isHidden(), true);
    await p.send({ type: 'delta', messageId: 'a1', seq: 0, content: 'Partial **answer**' });
    await p.page.locator('article[data-message-id="a1"] strong').waitFor();
    await stop.click();
    assert.ok((await p.posted()).some((m) => m.type === 'stop'));
    await p.send({
      type: 'turnEnd',
      messageId: 'a1',
      status: 'stopped',
      restoreInput: 'first line\nsecond line',
    });
    await p.page.getByRole('button', { name: 'Send message' }).waitFor();
    assert.equal(await input.inputValue(), 'first line\nsecond line');
    assert.match(
      (await p.page.locator('article[data-message-id="a1"] .meta').textContent()) ?? '',
      /stopped/,
    );
    // Retry on the stopped answer.
    await p.page.locator('article[data-message-id="a1"]').getByRole('button', { name: 'Retry' }).click();
    assert.ok((await p.posted()).some((m) => m.type === 'retry' && m.messageId === 'a1'));
    await done(p);
  });

  test('a code block is highlighted and its Copy and Insert buttons hand over the exact code', async () => {
    const code = 'const a = "<b>";\nfunction f() {\n  return a;\n}';
    const conv = {
      ...emptyConversation(),
      messages: [user('u1', 'q'), answer('a1', `Here:\n\n\`\`\`ts\n${code}\n\`\`\`\n`)],
    };
    const p = await open(withCsp, initMessage(conv));
    const block = p.page.locator('.code-block');
    await block.waitFor();
    assert.ok((await block.locator('code.hljs span.hljs-keyword').count()) > 0, 'highlighted');
    assert.equal(await block.locator('.code-lang').textContent(), 'ts');
    await block.getByRole('button', { name: /Insert ts block/ }).click();
    await block.getByRole('button', { name: /Copy ts block/ }).click();
    const posted = await p.posted();
    assert.deepEqual(
      posted.find((m) => m.type === 'insertCode'),
      { type: 'insertCode', code, language: 'ts' },
    );
    assert.deepEqual(
      posted.find((m) => m.type === 'copyCode'),
      { type: 'copyCode', code },
    );
    assert.equal(await block.getByRole('button', { name: /Copy ts block/ }).textContent(), 'Copied');
    await done(p);
  });

  test('the wait line counts down, offers the fallback, and clears when tokens arrive', async () => {
    const p = await open(withCsp);
    await p.send({
      type: 'turnStart',
      user: user('u1', 'q'),
      assistant: answer('a1', '', { status: 'streaming' }),
    });
    await p.send({
      type: 'wait',
      messageId: 'a1',
      reason: 'rateLimited',
      provider: 'DeepSeek',
      delayMs: 9500,
      attempt: 2,
      fallback: 'OpenRouter',
    });
    const wait = p.page.locator('article[data-message-id="a1"] .wait');
    // It counts down: 10 s (or 9 s on a slow machine) first, then fewer, live.
    await wait.getByText(/^DeepSeek is rate-limiting: retrying in (10|9) s$/).waitFor();
    await wait.getByText(/^DeepSeek is rate-limiting: retrying in [1-8] s$/).waitFor({ timeout: 8000 });
    await wait.getByRole('button', { name: 'Use OpenRouter now' }).click();
    assert.ok((await p.posted()).some((m) => m.type === 'useFallbackNow'));
    await p.send({ type: 'provider', messageId: 'a1', provider: 'OpenRouter', isFallback: true });
    await p.send({ type: 'delta', messageId: 'a1', seq: 0, content: 'Hello' });
    await wait.waitFor({ state: 'hidden' });
    assert.match(
      (await p.page.locator('article[data-message-id="a1"] .meta').textContent()) ?? '',
      /OpenRouter \(fallback\)/,
    );
    await done(p);
  });

  test('a restarted stream replaces the partial text and shows a note; a missing delta asks for the state', async () => {
    const p = await open(withCsp);
    await p.send({
      type: 'turnStart',
      user: user('u1', 'q'),
      assistant: answer('a1', '', { status: 'streaming' }),
    });
    await p.send({
      type: 'delta',
      messageId: 'a1',
      seq: 0,
      content: 'broken partial',
      reasoning: 'thinking hard',
    });
    const msg = p.page.locator('article[data-message-id="a1"]');
    await msg.getByText('broken partial').waitFor();
    assert.equal(
      await msg.locator('details.reasoning').getAttribute('open'),
      null,
      'reasoning starts collapsed',
    );
    await p.send({
      type: 'restart',
      messageId: 'a1',
      note: 'The answer from DeepSeek broke off and was started again.',
    });
    await p.send({ type: 'delta', messageId: 'a1', seq: 1, content: 'fresh text' });
    await msg.getByText('fresh text').waitFor();
    assert.equal(await msg.getByText('broken partial').count(), 0);
    assert.equal(
      await msg.locator('.note').textContent(),
      'The answer from DeepSeek broke off and was started again.',
    );
    // seq 3 after 1: seq 2 went missing.
    await p.send({ type: 'delta', messageId: 'a1', seq: 3, content: 'after a gap' });
    await p.page.waitForFunction(() =>
      (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'requestState'),
    );
    assert.equal(await msg.getByText('after a gap').count(), 0);
    await done(p);
  });

  test('an error names its fix: the command button, Retry, and the announcement', async () => {
    const p = await open(withCsp);
    await p.send({
      type: 'turnStart',
      user: user('u1', 'q'),
      assistant: answer('a1', '', { status: 'streaming' }),
    });
    await p.send({
      type: 'turnEnd',
      messageId: 'a1',
      status: 'error',
      error: {
        kind: 'needsKey',
        message: 'DeepSeek needs an API key.',
        command: { id: 'pacer.setApiKey', label: 'Set API key' },
        retry: true,
      },
      restoreInput: 'q',
    });
    const alert = p.page.getByRole('alert');
    await alert.getByText('DeepSeek needs an API key.').waitFor();
    await alert.getByRole('button', { name: 'Set API key' }).click();
    await alert.getByRole('button', { name: 'Retry' }).click();
    const posted = await p.posted();
    assert.ok(posted.some((m) => m.type === 'runCommand' && m.command === 'pacer.setApiKey'));
    assert.ok(posted.some((m) => m.type === 'retry' && m.messageId === 'a1'));
    assert.match(
      (await p.page.locator('[aria-live="polite"]').textContent()) ?? '',
      /Answer failed: DeepSeek needs an API key/,
    );
    await done(p);
  });

  test('chips can be removed and added back; model and thinking choices are posted', async () => {
    const p = await open(withCsp, {
      ...(initMessage() as Extract<HostMessage, { type: 'init' }>),
      chips: [{ id: 'sel-1', kind: 'selection', label: 'a.ts:3-9', detail: 'src/a.ts, lines 3-9' }],
      addable: ['file'],
    });
    await p.page.getByRole('button', { name: 'Remove selection a.ts:3-9 from the context' }).click();
    await p.page.getByRole('button', { name: 'Add the active file as context' }).click();
    await p.page.getByRole('combobox', { name: 'Model' }).selectOption('deepseek-v4-pro');
    await p.page.getByRole('checkbox', { name: 'Thinking mode' }).check();
    const posted = await p.posted();
    assert.ok(posted.some((m) => m.type === 'removeContext' && m.id === 'sel-1'));
    assert.ok(posted.some((m) => m.type === 'addContext' && m.kind === 'file'));
    assert.deepEqual(posted.filter((m) => m.type === 'setModel').at(-1), {
      type: 'setModel',
      model: 'deepseek-v4-pro',
      thinking: true,
    });
    await p.send({ type: 'chips', chips: [], addable: [] });
    await p.page.locator('.chips').waitFor({ state: 'hidden' });
    await done(p);
  });

  test('never sends an excluded file: its chip shows switched off, with the pattern', async () => {
    const reason = 'excluded by pacer.completion.exclude (pattern **/*.pem)';
    const p = await open(withCsp, {
      ...(initMessage() as Extract<HostMessage, { type: 'init' }>),
      chips: [
        { id: 'off-1', kind: 'file', label: 'server.pem', detail: 'certs/server.pem', excluded: reason },
      ],
      addable: [],
    });
    const chip = p.page.locator('.chips [role="listitem"]', { hasText: 'server.pem' });
    await chip.waitFor();
    assert.equal(await chip.getAttribute('aria-disabled'), 'true');
    assert.match(
      (await chip.textContent()) ?? '',
      /excluded by pacer\.completion\.exclude \(pattern \*\*\/\*\.pem\)/,
    );
    assert.equal(await chip.getByRole('button').count(), 0, 'nothing to remove or add');
    await done(p);
  });

  test('past chats open, and delete, from the list; Escape closes it', async () => {
    const p = await open(withCsp, {
      ...(initMessage() as Extract<HostMessage, { type: 'init' }>),
      history: [
        { id: 'c9', title: 'Older chat <b>bold?</b>', updatedMs: T, messageCount: 4 },
        { id: 'c1', title: 'Bench', updatedMs: T - 1, messageCount: 2 },
      ],
    });
    await p.send({ type: 'showHistory' });
    const list = p.page.getByRole('list', { name: 'Past chats' });
    await list.waitFor();
    await list.getByRole('button', { name: /Open chat: Older chat <b>bold\?<\/b>/ }).click();
    await list.getByRole('button', { name: 'Delete chat: Bench' }).click();
    const posted = await p.posted();
    assert.ok(posted.some((m) => m.type === 'openConversation' && m.id === 'c9'));
    assert.ok(posted.some((m) => m.type === 'deleteConversation' && m.id === 'c1'));
    await p.page.keyboard.press('Escape');
    await list.waitFor({ state: 'hidden' });
    await done(p);
  });

  test('chat history trouble shows as a lasting notice that says what to do, until it is solved', async () => {
    const p = await open(withCsp);
    await p.send({
      type: 'storageNotice',
      problem: 'save',
      text: 'Chats are not being saved (EACCES). Check free disk space and write permission.',
    });
    const banner = p.page.getByRole('alert').filter({ hasText: 'Chats are not being saved' });
    await banner.waitFor();
    await banner.getByRole('button', { name: 'Show log' }).click();
    assert.ok((await p.posted()).some((m) => m.type === 'runCommand' && m.command === 'pacer.showLog'));
    // A passing notice does not take its place.
    await p.send({ type: 'notice', text: 'No editor was open.' });
    assert.equal(await banner.isVisible(), true);
    await p.send({ type: 'storageNotice', problem: 'none', text: '' });
    await banner.waitFor({ state: 'hidden' });
    await p.send({ type: 'storageNotice', problem: 'read', text: 'A past chat could not be read.' });
    const read = p.page.getByRole('alert').filter({ hasText: 'A past chat could not be read.' });
    await read.getByRole('button', { name: 'Dismiss' }).click();
    await read.waitFor({ state: 'hidden' });
    await done(p);
  });

  test('a conversation whose model id is a long local path still shows', async () => {
    const longId = `/models/${'nested/'.repeat(80)}qwen.gguf`;
    const p = await open(withCsp, {
      ...(initMessage() as Extract<HostMessage, { type: 'init' }>),
      conversation: {
        ...emptyConversation(),
        model: longId,
        messages: [user('u1', 'shown with a long model')],
      },
      models: [{ id: longId, label: `…${longId.slice(-200)}` }],
    });
    await p.page.getByText('shown with a long model').waitFor();
    await done(p);
  });

  test('malformed messages from the extension are dropped and the panel keeps working', async () => {
    const p = await open(withCsp);
    await p.page.evaluate(() => {
      window.postMessage({ type: 'delta', messageId: 5 }, '*');
      window.postMessage('nonsense', '*');
      window.postMessage({ type: 'turnStart', user: { id: 'x' } }, '*');
    });
    await p.send({
      type: 'turnStart',
      user: user('u1', 'still works'),
      assistant: answer('a1', 'yes', { status: 'done' }),
    });
    await p.page.getByText('still works').waitFor();
    assert.deepEqual(p.errors, []);
    await done(p);
  });
});
