// The chat webview in headless Chromium (real bundle, real CSP), for answers that go wrong in
// ways the user must still understand (issue #15 items 5 and 11): an answer whose HTML was all
// removed by the sanitizer, a link whose unsafe target was removed, a restart note that outlives
// the answer it explained.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import {
  chatPageSkip,
  emptyConversation,
  initMessage,
  answerMessage,
  userMessage,
  launchBrowser,
  openChatPage,
  startChatPageServer,
  type ChatPage,
  type ChatPageServer,
} from '../../helpers/chatPage';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;

const skip = chatPageSkip;
let browser: Browser;
let server: ChatPageServer;
let page: ChatPage;

before(async () => {
  if (skip) return;
  [browser, server] = await Promise.all([launchBrowser(), startChatPageServer()]);
  page = await openChatPage(browser, server);
});
after(async () => {
  await page?.close();
  await browser?.close();
  await server?.close();
});

const user = userMessage;
const answer = answerMessage;

async function fresh(): Promise<ChatPage> {
  await page.reload(server);
  await page.send(initMessage());
  return page;
}

describe('chat webview: an answer never shows as an empty bubble', { skip }, () => {
  test('an answer that was only stripped HTML says so in words, streamed or stored', async () => {
    const p = await fresh();
    await p.send({
      type: 'turnStart',
      user: user('u1', 'hi'),
      assistant: answer('a1', '', { status: 'streaming' }),
    });
    await p.send({
      type: 'delta',
      messageId: 'a1',
      seq: 0,
      content: '<img src=x onerror=alert(1)><script>x()</script>',
    });
    await p.send({ type: 'turnEnd', messageId: 'a1', status: 'done' });
    const note = p.page.locator('article[data-message-id="a1"] .note');
    await note.waitFor({ state: 'visible', timeout: 5000 });
    assert.match((await note.textContent()) ?? '', /only HTML.*not shown/i);

    await p.reload(server);
    await p.send(
      initMessage({
        ...emptyConversation(),
        messages: [user('u2', 'q'), answer('a2', '<iframe src="x"></iframe>')],
      }),
    );
    const stored = p.page.locator('article[data-message-id="a2"] .note');
    await stored.waitFor({ state: 'visible', timeout: 5000 });
    assert.match((await stored.textContent()) ?? '', /only HTML.*not shown/i);
  });

  test('an ordinary answer has no such note', async () => {
    const p = await fresh();
    await p.send(
      initMessage({ ...emptyConversation(), messages: [user('u1', 'q'), answer('a1', 'Plain **words**.')] }),
    );
    await p.page.locator('article[data-message-id="a1"] strong').waitFor();
    assert.equal(await p.page.locator('article[data-message-id="a1"] .note').isHidden(), true);
  });

  test('a link whose unsafe target was removed is plain text, not a link', async () => {
    const p = await fresh();
    await p.send(
      initMessage({
        ...emptyConversation(),
        messages: [
          user('u1', 'q'),
          answer('a1', '[click me](javascript:alert(1)) and [safe](https://example.com)'),
        ],
      }),
    );
    await p.page.locator('article[data-message-id="a1"] a').first().waitFor();
    const links = await p.page.evaluate(() =>
      [...document.querySelectorAll('article[data-message-id="a1"] .markdown a')].map((a) => a.textContent),
    );
    assert.deepEqual(links, ['safe']);
    assert.match(
      (await p.page.locator('article[data-message-id="a1"] .markdown').textContent()) ?? '',
      /click me and safe/,
    );
  });

  test('the note about a restarted answer goes away once the answer is complete', async () => {
    const p = await fresh();
    await p.send({
      type: 'turnStart',
      user: user('u1', 'hi'),
      assistant: answer('a1', '', { status: 'streaming' }),
    });
    await p.send({ type: 'delta', messageId: 'a1', seq: 0, content: 'Partial' });
    await p.send({ type: 'restart', messageId: 'a1', note: 'The connection broke; the answer restarted.' });
    const note = p.page.locator('article[data-message-id="a1"] .note');
    await note.waitFor({ state: 'visible' });
    await p.send({ type: 'delta', messageId: 'a1', seq: 1, content: 'Whole answer.' });
    await p.send({ type: 'turnEnd', messageId: 'a1', status: 'done' });
    await note.waitFor({ state: 'hidden', timeout: 5000 });
  });
});
