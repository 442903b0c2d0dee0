// The chat session against the DeepSeek emulator through the real provider service (gate + openai
// SDK): what the webview is told while an answer streams, waits through 429s, restarts, stops and
// fails, and what a reloaded window finds again.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostMessage } from '../../../../src/core/common/chatProtocol';
import { parseHostMessage } from '../../../../src/core/common/chatProtocol';
import { ChatSession } from '../../../../src/core/chat/chatSession';
import type {
  ChatFallbackHook,
  ChatSessionOptions,
  SessionMessage,
} from '../../../../src/core/chat/chatSessionOptions';
import type { ContextItem } from '../../../../src/core/chat/conversation';
import { ConversationStore, type ChatStorage } from '../../../../src/core/chat/conversationStore';
import { realClock } from '../../../../src/core/common/clock';
import { createDeepSeekEndpoint } from '../../../../src/core/providers/providerEndpoint';
import type { ChatMessage, ModelService } from '../../../../src/core/providers/modelService';
import { createProviderService, type ProviderService } from '../../../../src/core/providers/providerService';
import type { Emulator } from '../../../../tools/emulator/server';
import { startFastEmulator } from '../../../helpers/emulator';
import { waitFor } from '../../../helpers/waitFor';

const CODE_ANSWER =
  'Use a timer:\n\n```ts\nfunction debounce(f: () => void, ms: number) {\n  let t: any;\n  return () => {\n    clearTimeout(t);\n    t = setTimeout(f, ms);\n  };\n}\n```\n\nThat is all.';
const LONG_ANSWER = Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ');

let emu: Emulator;
const services: ProviderService[] = [];
const sessions: ChatSession[] = [];

before(async () => {
  emu = await startFastEmulator({
    chatScript: [
      { match: 'debounce', answer: CODE_ANSWER },
      { match: 'long story', answer: LONG_ANSWER },
    ],
  });
});
after(async () => {
  for (const s of sessions) await s.dispose();
  for (const s of services) s.dispose();
  await emu.close();
});
beforeEach(() => {
  emu.setFault({ kind: 'none' });
  emu.setOptions({ tokensPerSecond: 5000, requireKey: undefined });
});

/** Storage that keeps JSON text, as a file would (so nothing survives that JSON would not carry). */
function memoryStorage(): ChatStorage {
  const files = new Map<string, string>();
  return {
    read: async (name) => (files.has(name) ? (JSON.parse(files.get(name) as string) as unknown) : undefined),
    write: async (name, value) => void files.set(name, JSON.stringify(value)),
    remove: async (name) => void files.delete(name),
    list: async () => [...files.keys()],
  };
}

const CONTEXT: ContextItem = {
  id: 'sel-1',
  kind: 'selection',
  label: 'util.ts:3-4',
  path: 'src/util.ts',
  language: 'typescript',
  text: 'const marker = "CONTEXT-MARKER";',
  startLine: 3,
  endLine: 4,
};

function setup(
  options: {
    storage?: ChatStorage;
    fallback?: ChatFallbackHook;
    coalesceMs?: number;
    key?: string;
    models?: ModelService;
    snapshot?: () => ContextItem[];
    session?: Partial<ChatSessionOptions>;
  } = {},
) {
  const service = createProviderService(
    createDeepSeekEndpoint({ getApiKey: async () => options.key ?? 'sk-test', baseUrl: emu.url }),
    {
      // Fast pacing so 429 tests take a fraction of a second; short watchdogs so nothing hangs.
      gate: { cooldownBackoff: { baseMs: 150, capMs: 300 }, retryBackoff: { baseMs: 50, capMs: 100 } },
      client: { chatWatchdog: { firstTokenMs: 5000, idleMs: 5000 } },
    },
  );
  services.push(service);
  const storage = options.storage ?? memoryStorage();
  const store = new ConversationStore({ storage, clock: realClock });
  const posted: HostMessage[] = [];
  const session = new ChatSession({
    models: options.models ?? service,
    store,
    // Everything the session posts must pass the webview's own validator.
    post: (m) => posted.push(parseHostMessage(JSON.parse(JSON.stringify(m)))),
    context: {
      chips: () => [CONTEXT],
      addable: () => [],
      snapshot: async () => (options.snapshot ? options.snapshot() : [CONTEXT]),
    },
    defaults: () => ({ model: 'deepseek-flash', thinking: false, deadlineMs: 20_000 }),
    modelOptions: () => [
      { id: 'deepseek-flash', label: 'DeepSeek Flash' },
      { id: 'deepseek-v4-pro', label: 'DeepSeek V4 Pro' },
    ],
    // As the router knows them (the catalog's labels); a test may add a custom provider.
    providers: () => [
      { id: 'deepseek', label: 'DeepSeek' },
      { id: 'openrouter', label: 'OpenRouter' },
    ],
    ...(options.fallback ? { fallback: options.fallback } : {}),
    clock: realClock,
    coalesceMs: options.coalesceMs ?? 16,
    ...options.session,
  });
  sessions.push(session);
  const send = (m: SessionMessage) => session.handle(m);
  const of = <T extends HostMessage['type']>(type: T) =>
    posted.filter((m): m is Extract<HostMessage, { type: T }> => m.type === type);
  const streamed = () =>
    of('delta')
      .map((d) => d.content ?? '')
      .join('');
  return { session, store, storage, posted, send, of, streamed };
}

const until = (what: string, check: () => boolean, timeoutMs = 8000) => waitFor(check, { what, timeoutMs });

describe('chat session', () => {
  test('a prompt streams back in order, with context sent and the turn stored', async () => {
    const s = setup();
    emu.setOptions({ tokensPerSecond: 1000 });
    await s.send({ type: 'ready' });
    assert.equal(s.posted[0]?.type, 'init');
    await s.send({ type: 'send', text: 'How do I debounce?' });
    await s.session.idle();

    const start = s.of('turnStart')[0];
    assert.equal(start?.user.text, 'How do I debounce?');
    assert.deepEqual(start?.user.context, [{ id: 'sel-1', kind: 'selection', label: 'util.ts:3-4' }]);
    const deltas = s.of('delta');
    assert.ok(deltas.length > 1, 'tokens arrive as several deltas');
    assert.deepEqual(
      deltas.map((d) => d.seq),
      deltas.map((_, i) => i),
      'sequence numbers count up without a gap',
    );
    assert.equal(s.streamed(), CODE_ANSWER);
    assert.deepEqual(s.of('provider')[0], {
      type: 'provider',
      messageId: start?.assistant.id,
      provider: 'DeepSeek',
      isFallback: false,
    });
    assert.deepEqual(s.of('turnEnd'), [{ type: 'turnEnd', messageId: start?.assistant.id, status: 'done' }]);

    // The model saw the selection, fenced, before the question.
    const prompt = emu.stats().lastRequests.at(-1)?.prompt ?? '';
    assert.match(prompt, /CONTEXT-MARKER/);

    const stored = await s.store.get(s.store.currentId() as string);
    assert.equal(stored?.messages[1]?.text, CODE_ANSWER);
    assert.equal(stored?.messages[1]?.status, 'done');
    assert.equal(stored?.title, 'How do I debounce?');
  });

  test('thinking mode streams reasoning beside the answer', async () => {
    const s = setup();
    await s.send({ type: 'ready' });
    await s.send({ type: 'setModel', model: 'deepseek-v4-pro', thinking: true });
    await s.send({ type: 'send', text: 'How do I debounce?' });
    await s.session.idle();
    const reasoning = s
      .of('delta')
      .map((d) => d.reasoning ?? '')
      .join('');
    assert.ok(reasoning.length > 0, 'reasoning arrived');
    assert.equal(s.streamed(), CODE_ANSWER);
    assert.equal(emu.stats().lastRequests.at(-1)?.model, 'deepseek-v4-pro');
  });

  test('an unknown model from the webview is ignored', async () => {
    const s = setup();
    await s.send({ type: 'setModel', model: 'gpt-9-ultra', thinking: false });
    await s.send({ type: 'send', text: 'How do I debounce?' });
    await s.session.idle();
    assert.equal(emu.stats().lastRequests.at(-1)?.model, 'deepseek-flash');
  });

  test('through 429s the panel is told it waits, and the answer arrives when they clear', async () => {
    const used: string[] = [];
    const s = setup({ fallback: { label: () => 'OpenRouter', useNow: (id) => used.push(id) } });
    emu.setFault({ kind: 'rateLimited', count: 2 });
    await s.send({ type: 'send', text: 'How do I debounce?' });
    await until('a wait message', () => s.of('wait').length > 0);
    const wait = s.of('wait')[0];
    assert.equal(wait?.reason, 'rateLimited');
    assert.equal(wait?.provider, 'DeepSeek');
    assert.equal(wait?.fallback, 'OpenRouter');
    assert.ok((wait?.delayMs ?? -1) >= 0 && (wait?.delayMs ?? 1e9) <= 1000, `delay ${wait?.delayMs}`);
    await s.send({ type: 'useFallbackNow' });
    assert.deepEqual(used, ['deepseek']);
    await s.session.idle();
    assert.equal(s.streamed(), CODE_ANSWER);
    assert.equal(s.of('turnEnd')[0]?.status, 'done');
    assert.ok(emu.stats().sent429 >= 2);
  });

  test('429 with no fallback set up: the wait says how to get one (#15 item 6)', async () => {
    const s = setup({ fallback: { label: () => undefined, useNow: () => undefined } });
    emu.setFault({ kind: 'rateLimited', count: 2, paths: ['/chat/completions'] });
    await s.send({ type: 'send', text: 'How do I debounce?' });
    await until('a wait message', () => s.of('wait').length > 0);
    const wait = s.of('wait')[0];
    assert.equal(wait?.fallback, undefined);
    assert.match(wait?.hint ?? '', /OpenRouter or OpenAI key .*local server/);
    await s.session.idle();
    assert.equal(s.of('turnEnd')[0]?.status, 'done');
  });

  test('a stream that breaks midway restarts: the partial text is dropped with a note', async () => {
    const s = setup({ coalesceMs: 0 });
    emu.setFault({ kind: 'resetMidStream', count: 1, afterChunks: 5 });
    await s.send({ type: 'send', text: 'How do I debounce?' });
    await s.session.idle();
    const restart = s.of('restart');
    assert.equal(restart.length, 1);
    assert.match(restart[0]?.note ?? '', /broke off .* started again/);
    // What the webview shows is whatever streamed after the restart: exactly the answer once.
    const i = s.posted.indexOf(restart[0] as HostMessage);
    const after = s.posted
      .slice(i)
      .filter((m): m is Extract<HostMessage, { type: 'delta' }> => m.type === 'delta');
    assert.equal(after.map((d) => d.content ?? '').join(''), CODE_ANSWER);
    const stored = await s.store.get(s.store.currentId() as string);
    assert.equal(stored?.messages[1]?.text, CODE_ANSWER);
    assert.match(stored?.messages[1]?.note ?? '', /started again/);
  });

  test('Stop ends the answer at once, keeps the partial text and gives the prompt back', async () => {
    const s = setup();
    emu.setOptions({ tokensPerSecond: 100 });
    await s.send({ type: 'send', text: 'Tell me a long story' });
    await until('some tokens', () => s.streamed().length > 20);
    const t0 = Date.now();
    await s.send({ type: 'stop' });
    await s.session.idle();
    assert.ok(Date.now() - t0 < 1000, 'stopped promptly');
    const end = s.of('turnEnd')[0];
    assert.equal(end?.status, 'stopped');
    assert.equal(end?.restoreInput, 'Tell me a long story');
    const stored = await s.store.get(s.store.currentId() as string);
    const answer = stored?.messages[1];
    assert.equal(answer?.status, 'stopped');
    assert.ok(answer && answer.text.length > 0 && answer.text.length < LONG_ANSWER.length);
    assert.equal(answer?.text, s.streamed());
  });

  test('a second prompt while one streams is refused with a notice, not queued', async () => {
    const s = setup();
    emu.setOptions({ tokensPerSecond: 200 });
    await s.send({ type: 'send', text: 'Tell me a long story' });
    await s.send({ type: 'send', text: 'And another' });
    assert.equal(s.of('turnStart').length, 1);
    assert.match(s.of('notice')[0]?.text ?? '', /still streaming/);
    await s.send({ type: 'stop' });
    await s.session.idle();
  });

  test('a missing key says what to do, offers the command, keeps the prompt; Retry then works', async () => {
    emu.setOptions({ requireKey: 'sk-right' });
    const s = setup({ key: 'sk-wrong' });
    await s.send({ type: 'send', text: 'How do I debounce?' });
    await s.session.idle();
    const end = s.of('turnEnd')[0];
    assert.equal(end?.status, 'error');
    assert.equal(end?.error?.kind, 'needsKey');
    assert.deepEqual(end?.error?.command, { id: 'pacer.setApiKey', label: 'Set API key' });
    assert.equal(end?.restoreInput, 'How do I debounce?');

    emu.setOptions({ requireKey: undefined });
    const failedId = end?.messageId as string;
    await s.send({ type: 'retry', messageId: failedId });
    await s.session.idle();
    const conv = s.of('conversation').at(-1)?.conversation;
    assert.ok(conv && !conv.messages.some((m) => m.id === failedId), 'the failed answer left the view');
    assert.equal(s.of('turnEnd').at(-1)?.status, 'done');
    const stored = await s.store.get(s.store.currentId() as string);
    assert.deepEqual(
      stored?.messages.map((m) => [m.role, m.status]),
      [
        ['user', 'done'],
        ['assistant', 'done'],
      ],
    );
  });

  test('a view that reloads mid-answer gets the text so far once, then only new tokens', async () => {
    const s = setup();
    emu.setOptions({ tokensPerSecond: 300 });
    await s.send({ type: 'send', text: 'Tell me a long story' });
    await until('some tokens', () => s.streamed().length > 30);
    s.posted.length = 0;
    await s.send({ type: 'ready' });
    const init = s.posted[0] as Extract<HostMessage, { type: 'init' }>;
    assert.equal(init.type, 'init');
    const answer = init.conversation.messages.at(-1);
    assert.equal(answer?.status, 'streaming');
    assert.equal(init.streaming?.messageId, answer?.id);
    await s.session.idle();
    const later = s.of('delta').filter((d) => d.seq >= (init.streaming?.seq ?? 0));
    assert.equal((answer?.text ?? '') + later.map((d) => d.content ?? '').join(''), LONG_ANSWER);
  });

  test('a reloaded window (new session, same storage) shows the conversation and its history', async () => {
    const storage = memoryStorage();
    const first = setup({ storage });
    await first.send({ type: 'send', text: 'How do I debounce?' });
    await first.session.idle();
    await first.send({ type: 'newChat' });
    await first.send({ type: 'send', text: 'Tell me a long story' });
    await first.session.idle();
    await first.session.dispose();

    const second = setup({ storage });
    await second.send({ type: 'ready' });
    const init = second.of('init')[0];
    assert.equal(init?.conversation.messages[0]?.text, 'Tell me a long story');
    assert.equal(init?.conversation.messages[1]?.text, LONG_ANSWER);
    assert.deepEqual(
      init?.history.map((h) => h.title),
      ['Tell me a long story', 'How do I debounce?'],
    );
    // Open the older chat, then delete it: the panel falls back to a fresh chat.
    const older = init?.history[1]?.id as string;
    await second.send({ type: 'openConversation', id: older });
    assert.equal(second.of('conversation').at(-1)?.conversation.messages[1]?.text, CODE_ANSWER);
    await second.send({ type: 'deleteConversation', id: older });
    assert.equal(second.of('conversation').at(-1)?.conversation.messages.length, 0);
    assert.deepEqual(
      second
        .of('history')
        .at(-1)
        ?.items.map((h) => h.title),
      ['Tell me a long story'],
    );
  });

  test('an answer served whole (no stream) still reaches the view, in pieces within the protocol limit', async () => {
    const big = 'x'.repeat(250_000);
    const whole: ModelService = {
      chat: async () => ({
        text: big,
        reasoning: '',
        providerId: 'deepseek',
        model: 'deepseek-flash',
        finishReason: 'stop',
        restarts: 0,
      }),
      complete: async () => assert.fail('not used'),
    };
    const s = setup({ models: whole });
    await s.send({ type: 'send', text: 'cached question' });
    await s.session.idle();
    const deltas = s.of('delta');
    assert.equal(deltas.length, 3);
    assert.ok(deltas.every((d) => (d.content ?? '').length <= 100_000));
    assert.equal(s.streamed(), big);
    assert.equal(s.of('turnEnd')[0]?.status, 'done');
  });

  test("a custom provider's label (from the router's providers) is what the panel shows", async () => {
    const custom: ModelService = {
      chat: async (_request, options) => {
        options?.onWait?.({ providerId: 'team-gw', reason: 'rateLimited', attempt: 2 });
        options?.onProvider?.('team-gw', true);
        options?.onContent?.('hello');
        return {
          text: 'hello',
          reasoning: '',
          providerId: 'team-gw',
          model: 'qwen',
          finishReason: 'stop',
          restarts: 0,
        };
      },
      complete: async () => assert.fail('not used'),
    };
    const s = setup({
      models: custom,
      session: { providers: () => [{ id: 'team-gw', label: 'Team Gateway' }] },
    });
    await s.send({ type: 'send', text: 'hi' });
    await s.session.idle();
    assert.equal(s.of('wait')[0]?.provider, 'Team Gateway');
    assert.equal(s.of('provider')[0]?.provider, 'Team Gateway');
    const stored = await s.store.get(s.store.currentId() as string);
    assert.equal(stored?.messages[1]?.provider, 'Team Gateway');
  });

  test('a chat at its message limit refuses more and says to start a new one', async () => {
    const s = setup();
    await s.session.whenReady();
    const conv = (s.session as unknown as { conv: { messages: unknown[] } }).conv;
    for (let i = 0; i < 1999; i++)
      conv.messages.push({ id: `m${i}`, role: 'user', text: 'x', status: 'done', createdMs: 1 });
    await s.send({ type: 'send', text: 'one more' });
    assert.equal(s.of('turnStart').length, 0);
    assert.match(s.of('notice')[0]?.text ?? '', /start a new chat/);
  });
});

describe('never loses a chat: odd model names and a failing disk', () => {
  // A local server that reports its model as the path of the weights file.
  const LONG_MODEL = `/home/someone/${'very-long-folder-name/'.repeat(30)}qwen2.5-coder-7b-instruct-q4_k_m.gguf`;
  const pathModel = (inner: ModelService): ModelService => ({
    chat: async (request, options) => ({ ...(await inner.chat(request, options)), model: LONG_MODEL }),
    complete: (request, options) => inner.complete(request, options),
  });

  test('a model name over 300 characters neither blanks the panel nor drops the stored chat', async () => {
    assert.ok(LONG_MODEL.length > 600);
    const storage = memoryStorage();
    const service = createProviderService(
      createDeepSeekEndpoint({ getApiKey: async () => 'sk-test', baseUrl: emu.url }),
    );
    services.push(service);
    // Every message posted goes through the webview's own validator inside setup().
    const s = setup({ storage, models: pathModel(service) });
    await s.send({ type: 'ready' });
    await s.send({ type: 'send', text: 'How do I debounce?' });
    await s.session.idle();
    assert.equal(s.of('turnEnd')[0]?.status, 'done');
    await s.send({ type: 'ready' });
    const shown = s.of('init').at(-1)?.conversation.messages[1]?.model ?? '';
    assert.ok(shown.length <= 300, `shown model is ${shown.length} characters`);
    assert.ok(shown.endsWith('q4_k_m.gguf'), 'the end of the path (the file name) stays');
    await s.session.dispose();

    const reloaded = setup({ storage });
    await reloaded.send({ type: 'ready' });
    const conv = reloaded.of('init')[0]?.conversation;
    assert.equal(conv?.messages[1]?.text, CODE_ANSWER, 'the stored chat is back');
  });

  test('a chat stored by an older version with a long model name still opens', async () => {
    const storage = memoryStorage();
    await storage.write('chat-old', {
      id: 'old',
      title: 'old chat',
      createdMs: 1,
      updatedMs: 2,
      model: 'deepseek-flash',
      thinking: false,
      messages: [
        { id: 'u', role: 'user', text: 'hi', status: 'done', createdMs: 1 },
        { id: 'a', role: 'assistant', text: 'hello', status: 'done', model: LONG_MODEL, createdMs: 2 },
      ],
    });
    await storage.write('index', {
      version: 1,
      currentId: 'old',
      items: [{ id: 'old', title: 'old chat', updatedMs: 2, messageCount: 2 }],
    });
    const s = setup({ storage });
    await s.send({ type: 'ready' });
    assert.equal(s.of('init')[0]?.conversation.messages[1]?.text, 'hello');
  });

  test('when chats cannot be saved the panel says so and what to do, and clears it once saving works', async () => {
    const inner = memoryStorage();
    let failing = true;
    const storage: ChatStorage = {
      ...inner,
      write: async (name, value) => {
        if (failing) throw new Error('EACCES: permission denied');
        return inner.write(name, value);
      },
    };
    const s = setup({ storage });
    await s.send({ type: 'ready' });
    await s.send({ type: 'send', text: 'How do I debounce?' });
    await s.session.idle();
    await until('a storage notice', () => s.of('storageNotice').length > 0);
    const notice = s.of('storageNotice').at(-1);
    assert.equal(notice?.problem, 'save');
    assert.match(notice?.text ?? '', /EACCES/);
    assert.match(notice?.text ?? '', /permission|disk/i);
    // A view that reloads gets the notice again.
    s.posted.length = 0;
    await s.send({ type: 'ready' });
    assert.equal(s.of('storageNotice').at(-1)?.problem, 'save');

    failing = false;
    await s.send({ type: 'send', text: 'Tell me a long story' });
    await s.session.idle();
    await s.store.flush();
    assert.equal(s.of('storageNotice').at(-1)?.problem, 'none');
  });

  test('when a past chat cannot be read the panel says so', async () => {
    const storage = memoryStorage();
    await storage.write('chat-bad', { id: 'bad', messages: 'not a list' });
    await storage.write('index', {
      version: 1,
      currentId: 'bad',
      items: [{ id: 'bad', title: 'bad chat', updatedMs: 2, messageCount: 2 }],
    });
    const s = setup({ storage });
    await s.send({ type: 'ready' });
    const notice = s.of('storageNotice').at(-1);
    assert.equal(notice?.problem, 'read');
    assert.match(notice?.text ?? '', /could not be read/);
  });
});

/** The real service, with each request's messages and the emulator's prompt token count kept. */
function recording(inner: ModelService) {
  const requests: { messages: ChatMessage[]; body: string; promptTokens?: number }[] = [];
  const models: ModelService = {
    chat: async (request, options) => {
      const rec: (typeof requests)[number] = {
        messages: request.messages,
        body: JSON.stringify(request.messages),
      };
      requests.push(rec);
      const result = await inner.chat(request, options);
      if (result.usage) rec.promptTokens = result.usage.promptTokens;
      return result;
    },
    complete: (request, options) => inner.complete(request, options),
  };
  return { models, requests };
}

function realService(): ProviderService {
  const service = createProviderService(
    createDeepSeekEndpoint({ getApiKey: async () => 'sk-test', baseUrl: emu.url }),
    { client: { chatWatchdog: { firstTokenMs: 5000, idleMs: 5000 } } },
  );
  services.push(service);
  return service;
}

/** A 60,000-character source file whose first line names its version. */
function bigFile(version: string): ContextItem {
  const lines = [`// BIG-FILE <${version}>`];
  for (let i = 0; lines.join('\n').length < 60_000; i++)
    lines.push(`export const value${i} = ${i * 7}; // ${version}`);
  const text = lines.join('\n').slice(0, 60_000);
  return { id: 'file-big', kind: 'file', label: 'big.ts', path: 'src/big.ts', language: 'typescript', text };
}

const count = (text: string, what: string) => text.split(what).length - 1;

describe('never overflows the model: prompt growth', () => {
  test('12 turns with the same 60,000-character file: sent once, under 128k, every answer comes', async () => {
    const file = bigFile('v1');
    const { models, requests } = recording(realService());
    const s = setup({ models, snapshot: () => [file] });
    for (let turn = 1; turn <= 12; turn++) {
      await s.send({ type: 'send', text: `Question ${turn} about big.ts` });
      await s.session.idle();
    }
    assert.deepEqual(
      s.of('turnEnd').map((e) => e.status),
      Array(12).fill('done'),
    );
    assert.equal(requests.length, 12);
    for (const [i, r] of requests.entries()) {
      assert.equal(count(r.body, 'BIG-FILE <v1>'), 1, `request ${i + 1} sends the file once`);
      assert.ok((r.promptTokens ?? Infinity) < 128_000, `request ${i + 1}: ${r.promptTokens} tokens`);
    }
    const first = requests[0]?.promptTokens ?? 0;
    const last = requests[11]?.promptTokens ?? 0;
    assert.ok(last < first * 1.5, `the prompt grows by the talk, not the file: ${first} -> ${last} tokens`);
    // Later turns name the file instead of repeating it.
    assert.match(requests[11]?.messages.at(-1)?.content ?? '', /File `src\/big.ts`: unchanged, shown above/);
  });

  test('a file edited every turn keeps to the budget: the oldest versions go first, and a note says so', async () => {
    const { models, requests } = recording(realService());
    let turn = 0;
    const s = setup({ models, snapshot: () => [bigFile(`v${turn}`)] });
    for (turn = 1; turn <= 12; turn++) {
      await s.send({ type: 'send', text: `Question ${turn}: what changed in big.ts?` });
      await s.session.idle();
    }
    assert.deepEqual(
      s.of('turnEnd').map((e) => e.status),
      Array(12).fill('done'),
      'the answer keeps coming',
    );
    for (const [i, r] of requests.entries()) {
      assert.ok((r.promptTokens ?? Infinity) < 128_000, `request ${i + 1}: ${r.promptTokens} tokens`);
      assert.equal(count(r.body, `BIG-FILE <v${i + 1}>`), 1, `request ${i + 1} has the newest version`);
    }
    const lastBody = requests[11]?.body ?? '';
    assert.equal(count(lastBody, 'BIG-FILE <v1>'), 0, 'the oldest version is left out');
    assert.ok(lastBody.includes('Question 1:'), 'the talk itself is kept while context can go');
    const note = s.of('turnStart').at(-1)?.assistant.note ?? '';
    assert.match(note, /left out earlier versions of `src\/big.ts`/);
    const stored = await s.store.get(s.store.currentId() as string);
    assert.equal(stored?.messages.at(-1)?.note, note, 'the note is kept with the answer');
  });
});

describe('never sends an excluded file: stored chat context', () => {
  const SECRET: ContextItem = {
    id: 'file-secret',
    kind: 'file',
    label: 'secrets.ts',
    path: 'config/secrets.ts',
    language: 'typescript',
    text: 'export const token = "SECRET-MARKER-7f3a";',
  };

  test('a file excluded after it was attached is left out of follow-ups, retries and new sends, with a note', async () => {
    const excluded = new Set<string>();
    const { models, requests } = recording(realService());
    let attach = true;
    const s = setup({
      models,
      snapshot: () => (attach ? [SECRET] : []),
      session: { isExcluded: (path) => excluded.has(path) },
    });
    await s.send({ type: 'send', text: 'What does secrets.ts export?' });
    await s.session.idle();
    assert.equal(count(requests[0]?.body ?? '', 'SECRET-MARKER-7f3a'), 1, 'sent while allowed');

    excluded.add('config/secrets.ts');
    attach = false;
    // Follow-up: the stored context of the first turn is not sent again.
    await s.send({ type: 'send', text: 'And what else?' });
    await s.session.idle();
    assert.match(s.of('turnStart').at(-1)?.assistant.note ?? '', /Left out `config\/secrets.ts`: excluded/);

    // Retry of a failed answer.
    emu.setOptions({ requireKey: 'sk-someone-else' });
    await s.send({ type: 'send', text: 'One more thing' });
    await s.session.idle();
    assert.equal(s.of('turnEnd').at(-1)?.status, 'error');
    emu.setOptions({ requireKey: undefined });
    await s.send({ type: 'retry', messageId: s.of('turnEnd').at(-1)?.messageId as string });
    await s.session.idle();
    assert.equal(s.of('turnEnd').at(-1)?.status, 'done');

    // A first send whose snapshot still holds the file (a chip read just before the exclusion).
    attach = true;
    await s.send({ type: 'newChat' });
    await s.send({ type: 'send', text: 'Fresh chat' });
    await s.session.idle();

    assert.equal(requests.length, 5);
    for (const [i, r] of requests.slice(1).entries()) {
      assert.equal(count(r.body, 'SECRET-MARKER'), 0, `request ${i + 2} carries no excluded content`);
    }
  });
});
