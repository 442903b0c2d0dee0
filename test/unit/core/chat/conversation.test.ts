// The conversation state: turns, streaming, restarts, retries, recovery after a reload, the view
// the webview gets, the prompt the model gets, and the words for waits and errors.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  UNTITLED,
  addTurn,
  appendDelta,
  conversationParser,
  finishAnswer,
  newConversation,
  recoverInterrupted,
  restartAnswer,
  takeForRetry,
  titleFrom,
  toView,
  type ContextItem,
} from '../../../../src/core/chat/conversation';
import { toErrorView } from '../../../../src/core/chat/errorView';
import { providerLabels } from '../../../../src/core/chat/providerLabel';
import { chatModelOptions } from '../../../../src/core/chat/chatModels';
import { SYSTEM_PROMPT, buildPrompt, formatContext, preparePrompt } from '../../../../src/core/chat/prompt';
import { plainWhy, waitText } from '../../../../src/core/common/messages/chat';
import { PacerError } from '../../../../src/core/common/errors';

const T0 = 1_700_000_000_000;
const fileCtx: ContextItem = {
  id: 'file-1',
  kind: 'file',
  label: 'a.ts',
  detail: 'src/a.ts',
  path: 'src/a.ts',
  language: 'typescript',
  text: 'export const a = 1;\n',
};

function withTurn(text = 'How do I debounce?') {
  const conv = newConversation('c1', T0, 'deepseek-flash', false);
  const turn = addTurn(conv, { userId: 'u1', assistantId: 'a1', text, context: [fileCtx], nowMs: T0 + 5 });
  return { conv, ...turn };
}

describe('conversation state', () => {
  test('a turn adds the prompt and an empty streaming answer, and titles a new chat', () => {
    const { conv, user, assistant } = withTurn(
      'How do I debounce a function in TypeScript without lodash or underscore?\nmore',
    );
    assert.equal(conv.messages.length, 2);
    assert.deepEqual(
      [user.role, user.status, assistant.role, assistant.status],
      ['user', 'done', 'assistant', 'streaming'],
    );
    assert.equal(assistant.text, '');
    assert.equal(assistant.model, 'deepseek-flash');
    assert.equal(conv.title, 'How do I debounce a function in TypeScript without lodash…');
    assert.equal(conv.updatedMs, T0 + 5);
    // A second turn keeps the first title.
    addTurn(conv, { userId: 'u2', assistantId: 'a2', text: 'Other', context: [], nowMs: T0 + 9 });
    assert.equal(conv.title, 'How do I debounce a function in TypeScript without lodash…');
  });

  test('titles: short prompts whole, blank ones untitled, long words cut hard', () => {
    assert.equal(titleFrom('  Fix the bug  '), 'Fix the bug');
    assert.equal(titleFrom('   \n  '), UNTITLED);
    assert.equal(titleFrom('x'.repeat(100)), `${'x'.repeat(60)}…`);
  });

  test('deltas grow the answer and its reasoning; a restart drops both and leaves a note', () => {
    const { assistant } = withTurn();
    appendDelta(assistant, 'Use ', 'think ');
    appendDelta(assistant, 'setTimeout', 'more');
    assert.equal(assistant.text, 'Use setTimeout');
    assert.equal(assistant.reasoning, 'think more');
    restartAnswer(assistant, 'The stream broke.');
    assert.equal(assistant.text, '');
    assert.equal(assistant.reasoning, undefined);
    assert.equal(assistant.note, 'The stream broke.');
  });

  test('finishing sets the status and error; a later success clears the error', () => {
    const { conv, assistant } = withTurn();
    finishAnswer(conv, assistant, 'error', T0 + 50, { kind: 'server', message: 'boom', retry: true });
    assert.equal(assistant.status, 'error');
    assert.equal(assistant.error?.message, 'boom');
    assert.equal(conv.updatedMs, T0 + 50);
    finishAnswer(conv, assistant, 'done', T0 + 60);
    assert.equal(assistant.error, undefined);
  });

  test('retry takes only the last, finished answer and keeps its prompt', () => {
    const { conv, assistant } = withTurn();
    assert.equal(takeForRetry(conv, 'a1'), undefined, 'a streaming answer cannot be retried');
    finishAnswer(conv, assistant, 'error', T0 + 1, { kind: 'server', message: 'x', retry: true });
    addTurn(conv, { userId: 'u2', assistantId: 'a2', text: 'next', context: [], nowMs: T0 + 2 });
    finishAnswer(conv, conv.messages[3]!, 'stopped', T0 + 3);
    assert.equal(takeForRetry(conv, 'a1'), undefined, 'not the last answer');
    assert.equal(takeForRetry(conv, 'u2'), undefined, 'not an answer');
    const user = takeForRetry(conv, 'a2');
    assert.equal(user?.id, 'u2');
    assert.deepEqual(
      conv.messages.map((m) => m.id),
      ['u1', 'a1', 'u2'],
    );
  });

  test('after a reload an answer caught mid-stream is kept as stopped, with a note', () => {
    const { conv, assistant } = withTurn();
    appendDelta(assistant, 'partial', '');
    assert.equal(recoverInterrupted(conv), true);
    assert.equal(assistant.status, 'stopped');
    assert.equal(assistant.text, 'partial');
    assert.match(assistant.note ?? '', /Interrupted/);
    assert.equal(recoverInterrupted(conv), false);
  });

  test('the webview view carries chip labels but never the context text', () => {
    const { conv } = withTurn();
    const view = toView(conv);
    assert.deepEqual(view.messages[0]?.context, [
      { id: 'file-1', kind: 'file', label: 'a.ts', detail: 'src/a.ts' },
    ]);
    assert.doesNotMatch(JSON.stringify(view), /export const a/);
    assert.match(JSON.stringify(conv), /export const a/);
  });

  test('stored conversations parse back; a damaged part costs only itself; a damaged whole is refused', () => {
    const { conv } = withTurn();
    const back = conversationParser(JSON.parse(JSON.stringify(conv)), 'c');
    assert.deepEqual(back, conv);
    const broken = JSON.parse(JSON.stringify(conv));
    broken.messages[0].context[0].text = 42;
    broken.messages.push({ id: 'x', role: 'hacker' });
    broken.messages[1].model = `/models/${'deep/'.repeat(100)}model.gguf`;
    const kept = conversationParser(broken, 'c');
    assert.deepEqual(kept.messages[0]?.context, [], 'the bad context item is left out');
    assert.equal(kept.messages.length, 2, 'the bad message is left out, the others stay');
    assert.ok((kept.messages[1]?.model ?? '').length <= 300);
    assert.match(kept.messages[1]?.model ?? '', /model\.gguf$/);
    assert.throws(() => conversationParser({ ...conv, messages: 'x' }, 'c'), /messages: expected an array/);
  });
});

describe('chat prompt', () => {
  test('system prompt first, context before the question, failed answers left out', () => {
    const { conv, assistant } = withTurn('Explain a');
    appendDelta(assistant, 'It is one.', '');
    finishAnswer(conv, assistant, 'done', T0 + 1);
    addTurn(conv, { userId: 'u2', assistantId: 'a2', text: 'And b?', context: [], nowMs: T0 + 2 });
    finishAnswer(conv, conv.messages[3]!, 'error', T0 + 3, { kind: 'server', message: 'x', retry: true });
    addTurn(conv, { userId: 'u3', assistantId: 'a3', text: 'Hello?', context: [], nowMs: T0 + 4 });
    const messages = buildPrompt(conv, 'a3');
    assert.deepEqual(
      messages.map((m) => m.role),
      ['system', 'user', 'assistant', 'user'],
    );
    assert.equal(messages[0]?.content, SYSTEM_PROMPT);
    assert.match(
      messages[1]?.content ?? '',
      /^Context from my editor:\n\nFile `src\/a.ts`:\n```typescript\nexport const a = 1;\n\n```\n\nExplain a$/,
    );
    assert.equal(messages[2]?.content, 'It is one.');
    // The failed answer's prompt and the new one are merged rather than sent back to back.
    assert.equal(messages[3]?.content, 'And b?\n\nHello?');
  });

  test('the prompt stops before the answer being produced', () => {
    const { conv } = withTurn('Q1');
    assert.deepEqual(
      buildPrompt(conv, 'a1').map((m) => m.role),
      ['system', 'user'],
    );
  });

  test('past the budget the oldest turns go after the old context, then the newest file is cut, with a note', () => {
    const conv = newConversation('c', T0, 'm', false);
    for (let i = 1; i <= 6; i++) {
      const { assistant } = addTurn(conv, {
        userId: `u${i}`,
        assistantId: `a${i}`,
        text: `question ${i} ${'q'.repeat(3_000)}`,
        context: [],
        nowMs: T0 + i,
      });
      appendDelta(assistant, `answer ${i} ${'a'.repeat(3_000)}`, '');
      finishAnswer(conv, assistant, 'done', T0 + i);
    }
    const big = { ...fileCtx, text: 'x'.repeat(30_000) };
    addTurn(conv, { userId: 'u7', assistantId: 'a7', text: 'last question', context: [big], nowMs: T0 + 7 });
    const built = preparePrompt(conv, 'a7', { budgetTokens: 8_000 });
    assert.ok(built.tokens <= 8_000, `${built.tokens} tokens`);
    const all = built.messages.map((m) => m.content).join('\n');
    assert.doesNotMatch(all, /question 1 /, 'the oldest turn went');
    assert.match(all, /last question$/);
    assert.match(all, /File `src\/a.ts` \(cut short\)/);
    assert.match(built.leftOut ?? '', /the \d+ oldest messages and the end of `src\/a.ts`/);
    // Within the budget nothing is left out and nothing is said.
    assert.equal(preparePrompt(conv, 'a7', { budgetTokens: 1_000_000 }).leftOut, undefined);
  });

  test('context fences outgrow any backtick run in the file, so a file cannot close its block', () => {
    const text = 'a\n```\nb\n`````\n';
    const out = formatContext({
      ...fileCtx,
      kind: 'selection',
      text,
      startLine: 3,
      endLine: 7,
      truncated: true,
    });
    assert.ok(out.startsWith('Selection from `src/a.ts`, lines 3-7 (cut short):\n``````typescript\n'));
    assert.ok(out.endsWith('\n``````'));
  });
});

describe('chat wait and error words', () => {
  test('what went wrong in plain words, by kind, never the nested technical text (#15)', () => {
    assert.equal(
      plainWhy('server', 'DeepSeek had a server error (HTTP 503) (Server overloaded…)'),
      'had a server error',
    );
    assert.equal(
      plainWhy('network', 'The connection to DeepSeek broke: terminated.'),
      'could not be reached',
    );
    assert.equal(
      plainWhy('stalled', 'DeepSeek sent no answer within 20 s (the provider may be overloaded).'),
      'has sent nothing for 20 s',
    );
    assert.equal(plainWhy('stalled', 'odd'), 'stopped sending');
    assert.equal(plainWhy('malformed', 'x'), 'sent an answer Pacer cannot read');
  });

  test('rate limiting counts down in whole seconds and never shows 0 s', () => {
    const base = { reason: 'rateLimited' as const, provider: 'DeepSeek', attempt: 2 };
    assert.equal(waitText({ ...base, remainingMs: 3_200 }), 'DeepSeek is rate-limiting: retrying in 4 s');
    assert.equal(waitText({ ...base, remainingMs: 10 }), 'DeepSeek is rate-limiting: retrying in 1 s');
    assert.equal(waitText({ ...base, remainingMs: -5 }), 'DeepSeek is rate-limiting: retrying now');
    assert.equal(waitText(base), 'DeepSeek is rate-limiting: retrying soon');
    assert.equal(
      waitText({
        reason: 'retrying',
        provider: 'DeepSeek',
        attempt: 3,
        remainingMs: 1500,
        why: 'had a server error',
        detail: 'DeepSeek had a server error (HTTP 503) (Server overloaded, please try again later.)',
      }),
      // #15 item 5: one plain sentence; the nested technical text goes behind "details".
      'DeepSeek had a server error; retrying in 2 s',
    );
    assert.equal(
      waitText({ reason: 'queued', provider: 'Ollama', attempt: 1 }),
      'Waiting for a free slot at Ollama…',
    );
  });

  test('errors that need the user name the command that fixes them', () => {
    // The labels come from the providers the router knows (the catalog's), not a table of chat's.
    const labels = providerLabels(() => [
      { id: 'deepseek', label: 'DeepSeek' },
      { id: 'openai', label: 'OpenAI' },
    ]);
    const key = toErrorView(
      new PacerError({ kind: 'needsKey', message: '401', providerId: 'deepseek' }),
      labels,
    );
    assert.equal(key.command?.id, 'pacer.setApiKey');
    assert.match(key.message, /^DeepSeek needs an API key/);
    const balance = toErrorView(
      new PacerError({ kind: 'noBalance', message: '402', providerId: 'deepseek' }),
      labels,
    );
    assert.match(balance.message, /Top up your balance with DeepSeek/);
    assert.equal(balance.command?.id, 'pacer.topUp');
    assert.equal(
      toErrorView(new PacerError({ kind: 'budget', message: 'x' })).command?.id,
      'pacer.liftSpendLimit',
    );
    const bad = toErrorView(
      new PacerError({ kind: 'badRequest', message: 'context too long', providerId: 'openai' }),
      labels,
    );
    assert.equal(bad.retry, false);
    assert.match(bad.message, /OpenAI rejected the request: context too long/);
    const server = toErrorView(new PacerError({ kind: 'server', message: 'DeepSeek answered 500' }));
    assert.deepEqual(server, { kind: 'server', message: 'DeepSeek answered 500', retry: true });
    assert.equal(toErrorView(new Error('socket hang up')).message, 'The request failed: socket hang up');
  });

  test("a custom provider's label reaches chat errors; an unknown id stands as itself", () => {
    const labels = providerLabels(() => [{ id: 'team-gw', label: 'Team Gateway' }]);
    const key = toErrorView(
      new PacerError({ kind: 'needsKey', message: '401', providerId: 'team-gw' }),
      labels,
    );
    assert.match(key.message, /^Team Gateway needs an API key/);
    assert.equal(labels('someone-else'), 'someone-else');
    assert.equal(labels('x'.repeat(400)).length, 300, 'cut to what the panel accepts');
  });

  test('the model box names a pinned custom provider by its own label', () => {
    assert.deepEqual(chatModelOptions('deepseek-flash', { label: 'Team Gateway', chatModel: 'qwen-coder' }), [
      { id: 'deepseek-flash', label: 'Team Gateway · qwen-coder' },
    ]);
    assert.deepEqual(
      chatModelOptions('my-model', undefined).map((m) => m.id),
      ['deepseek-flash', 'deepseek-v4-pro', 'my-model'],
    );
  });
});
