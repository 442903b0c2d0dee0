// The chat protocol's validators: every message type both ways round-trips, and malformed or
// hostile messages are refused with the path of the bad field.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LIMITS,
  ProtocolError,
  dispatch,
  parseHostMessage,
  parseWebviewMessage,
  tryParse,
  type HostMessage,
  type MessageHandlers,
  type ViewMessage,
  type WebviewMessage,
} from '../../../../src/core/common/chatProtocol';

const msg = (over: Partial<ViewMessage> = {}): ViewMessage => ({
  id: 'm1',
  role: 'assistant',
  text: 'Hello **there**',
  status: 'done',
  createdMs: 1_700_000_000_000,
  ...over,
});

const HOST: HostMessage[] = [
  {
    type: 'init',
    conversation: {
      id: 'c1',
      title: 'A chat',
      model: 'deepseek-flash',
      thinking: true,
      messages: [
        msg({
          id: 'u1',
          role: 'user',
          context: [{ id: 'file-1', kind: 'file', label: 'a.ts', detail: 'src/a.ts' }],
        }),
        msg({
          reasoning: 'hmm',
          provider: 'OpenRouter',
          isFallback: true,
          model: 'x',
          note: 'restarted',
          status: 'error',
          error: {
            kind: 'needsKey',
            message: 'Set a key',
            command: { id: 'pacer.setApiKey', label: 'Set API key' },
            retry: true,
          },
        }),
      ],
    },
    history: [{ id: 'c1', title: 'A chat', updatedMs: 5, messageCount: 2 }],
    chips: [{ id: 'sel-1', kind: 'selection', label: 'a.ts:1-3' }],
    addable: ['file'],
    models: [{ id: 'deepseek-flash', label: 'DeepSeek Flash' }],
    streaming: { messageId: 'm1', seq: 4 },
  },
  {
    type: 'conversation',
    conversation: { id: 'c2', title: 'New chat', model: 'm', thinking: false, messages: [] },
  },
  { type: 'history', items: [] },
  { type: 'chips', chips: [], addable: [] },
  {
    type: 'turnStart',
    user: msg({ id: 'u2', role: 'user' }),
    assistant: msg({ id: 'a2', text: '', status: 'streaming' }),
  },
  { type: 'delta', messageId: 'a2', seq: 0, content: 'tok' },
  { type: 'delta', messageId: 'a2', seq: 1, reasoning: 'think' },
  {
    type: 'wait',
    messageId: 'a2',
    reason: 'rateLimited',
    provider: 'DeepSeek',
    delayMs: 4000,
    attempt: 2,
    fallback: 'OpenRouter',
  },
  { type: 'wait', messageId: 'a2', reason: 'queued', provider: 'DeepSeek', attempt: 1 },
  { type: 'restart', messageId: 'a2', note: 'The stream broke.' },
  {
    type: 'provider',
    messageId: 'a2',
    provider: 'OpenRouter',
    isFallback: true,
    model: 'deepseek/deepseek-chat',
  },
  { type: 'turnEnd', messageId: 'a2', status: 'stopped', restoreInput: 'my prompt' },
  {
    type: 'turnEnd',
    messageId: 'a2',
    status: 'error',
    error: { kind: 'server', message: 'boom', retry: true },
  },
  { type: 'showHistory' },
  { type: 'focusInput' },
  { type: 'notice', text: 'hi' },
];

const WEBVIEW: WebviewMessage[] = [
  { type: 'ready' },
  { type: 'send', text: 'Explain this' },
  { type: 'stop' },
  { type: 'retry', messageId: 'a2' },
  { type: 'newChat' },
  { type: 'openConversation', id: 'c1' },
  { type: 'deleteConversation', id: 'c1' },
  { type: 'removeContext', id: 'file-1' },
  { type: 'addContext', kind: 'selection' },
  { type: 'setModel', model: 'deepseek-v4-pro', thinking: true },
  { type: 'insertCode', code: 'const x = 1;', language: 'ts' },
  { type: 'insertCode', code: '' },
  { type: 'copyCode', code: 'x' },
  { type: 'runCommand', command: 'pacer.setApiKey' },
  { type: 'useFallbackNow' },
  { type: 'requestState' },
];

describe('chat protocol', () => {
  test('every host message type round-trips through JSON and the parser unchanged', () => {
    const types = new Set<string>();
    for (const m of HOST) {
      types.add(m.type);
      assert.deepEqual(parseHostMessage(JSON.parse(JSON.stringify(m))), m, m.type);
    }
    assert.equal(types.size, 13, 'a host message type has no example');
  });

  test('every webview message type round-trips through JSON and the parser unchanged', () => {
    const types = new Set<string>();
    for (const m of WEBVIEW) {
      types.add(m.type);
      assert.deepEqual(parseWebviewMessage(JSON.parse(JSON.stringify(m))), m, m.type);
    }
    assert.equal(types.size, 15, 'a webview message type has no example');
  });

  test('unknown keys are dropped, including __proto__ smuggled through JSON', () => {
    const raw = JSON.parse('{"type":"send","text":"hi","extra":1,"__proto__":{"polluted":true}}');
    const parsed = parseWebviewMessage(raw);
    assert.deepEqual(Object.keys(parsed).sort(), ['text', 'type']);
    assert.equal((parsed as unknown as Record<string, unknown>).polluted, undefined);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['not an object', 'send', /expected an object/],
    ['null', null, /expected an object/],
    ['an array', [{ type: 'ready' }], /expected an object/],
    ['no type', { text: 'x' }, /unknown message type/],
    ['an unknown type', { type: 'eval', code: 'x' }, /unknown message type "eval"/],
    ['an inherited type name', { type: 'toString' }, /unknown message type/],
    ['a missing field', { type: 'send' }, /^text: expected a string/],
    ['an empty prompt', { type: 'send', text: '' }, /text: shorter than 1/],
    ['a number for a string', { type: 'openConversation', id: 5 }, /id: expected a string/],
    ['an oversized prompt', { type: 'send', text: 'x'.repeat(LIMITS.text + 1) }, /text: longer than/],
    ['an oversized code block', { type: 'copyCode', code: 'x'.repeat(LIMITS.code + 1) }, /code: longer than/],
    [
      'a command outside the allow-list',
      { type: 'runCommand', command: 'workbench.action.terminal.new' },
      /command: expected one of/,
    ],
    ['a bad context kind', { type: 'addContext', kind: 'workspace' }, /kind: expected one of/],
    [
      'a string for a boolean',
      { type: 'setModel', model: 'm', thinking: 'yes' },
      /thinking: expected a boolean/,
    ],
    ['an over-long id', { type: 'retry', messageId: 'x'.repeat(LIMITS.id + 1) }, /messageId: longer than/],
  ];
  for (const [what, value, error] of bad) {
    test(`a webview message with ${what} is refused`, () => {
      assert.throws(
        () => parseWebviewMessage(value),
        (e: unknown) => e instanceof ProtocolError && error.test(e.message),
      );
    });
  }

  test('host messages are checked deeply, with the path of the bad field', () => {
    const init = structuredClone(HOST[0]) as Extract<HostMessage, { type: 'init' }>;
    (init.conversation.messages[1] as unknown as Record<string, unknown>).status = 'exploded';
    assert.throws(() => parseHostMessage(init), /conversation\.messages\[1\]\.status: expected one of/);
    assert.throws(
      () => parseHostMessage({ type: 'delta', messageId: 'a', seq: -1, content: 'x' }),
      /seq: out of range/,
    );
    assert.throws(
      () => parseHostMessage({ type: 'delta', messageId: 'a', seq: 1.5 }),
      /seq: expected an integer/,
    );
    assert.throws(
      () => parseHostMessage({ type: 'turnEnd', messageId: 'a', status: 'streaming' }),
      /status: expected one of done, stopped, error/,
    );
    assert.throws(
      () =>
        parseHostMessage({
          type: 'turnEnd',
          messageId: 'a',
          status: 'error',
          error: { kind: 'x', message: 'y', retry: true, command: { id: 'rm -rf', label: 'z' } },
        }),
      /error\.command\.id: expected one of/,
    );
  });

  test('tryParse reports instead of throwing', () => {
    assert.deepEqual(tryParse(parseWebviewMessage, { type: 'stop' }), {
      ok: true,
      message: { type: 'stop' },
    });
    const r = tryParse(parseWebviewMessage, { type: 'nope' });
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.error, /unknown message type/);
  });
});

describe('never sends an excluded file: the chip that says why', () => {
  const chip = {
    id: 'off-1',
    kind: 'file',
    label: 'server.pem',
    excluded: 'excluded by pacer.completion.exclude (pattern **/*.pem)',
  };
  test('an excluded chip crosses the protocol with its reason', () => {
    const m = parseHostMessage(JSON.parse(JSON.stringify({ type: 'chips', chips: [chip], addable: [] })));
    assert.deepEqual(m, { type: 'chips', chips: [chip], addable: [] });
  });
  test('a reason that is not a string is refused', () => {
    const r = tryParse(parseHostMessage, { type: 'chips', chips: [{ ...chip, excluded: 1 }], addable: [] });
    assert.equal(r.ok, false);
  });
});

describe('dispatch tables', () => {
  // Compile-time proof: a table missing a message type, or with a handler for the wrong shape,
  // does not type-check (tsc runs over the tests), so a new type cannot go unhandled.
  const partial = { ready: () => undefined };
  // @ts-expect-error every webview message type needs a handler
  const missing: MessageHandlers<WebviewMessage> = partial;
  const wrongShape = {
    // @ts-expect-error the handler gets the shape of its own type (`send` has no `id`)
    send: (m: { type: 'send'; id: string }) => m.id,
  } satisfies Partial<MessageHandlers<WebviewMessage, string>>;
  void missing;
  void wrongShape;

  test('each message goes to the handler of its type, both ways', () => {
    const seen: string[] = [];
    const record = (m: { type: string }): void => void seen.push(m.type);
    const toExtension: MessageHandlers<WebviewMessage> = {
      ready: record,
      send: record,
      stop: record,
      retry: record,
      newChat: record,
      openConversation: record,
      deleteConversation: record,
      removeContext: record,
      addContext: record,
      setModel: record,
      insertCode: record,
      copyCode: record,
      runCommand: record,
      useFallbackNow: record,
      requestState: record,
    };
    for (const m of WEBVIEW) dispatch(toExtension, m);
    assert.deepEqual(
      seen,
      WEBVIEW.map((m) => m.type),
    );

    seen.length = 0;
    const toWebview: MessageHandlers<HostMessage> = {
      init: record,
      conversation: record,
      history: record,
      chips: record,
      turnStart: record,
      delta: record,
      wait: record,
      restart: record,
      provider: record,
      turnEnd: record,
      showHistory: record,
      focusInput: record,
      notice: record,
      storageNotice: record,
    };
    for (const m of HOST) dispatch(toWebview, m);
    assert.deepEqual(
      seen,
      HOST.map((m) => m.type),
    );
  });
});
