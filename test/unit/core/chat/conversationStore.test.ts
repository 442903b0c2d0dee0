// The conversation store: what a window reload finds again, throttled saves while streaming, damaged
// files, eviction and deletion. The storage here is a real folder of JSON files, written the way the
// VS Code adapter writes them (a second store on the same folder plays the reloaded window).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addTurn,
  appendDelta,
  finishAnswer,
  newConversation,
  type Conversation,
} from '../../../../src/core/chat/conversation';
import { ConversationStore, type ChatStorage } from '../../../../src/core/chat/conversationStore';
import { FolderChatStorage } from '../../../../src/core/chat/folderChatStorage';
import { FakeClock } from '../../../helpers/fakeClock';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** JSON files in a folder, like src/vscode/chat/fileChatStorage.ts; counts writes. */
function folderStorage(dir: string): ChatStorage & { writes: string[]; failNext?: boolean } {
  const s: ChatStorage & { writes: string[]; failNext?: boolean } = {
    writes: [],
    async read(name) {
      try {
        return JSON.parse(await readFile(join(dir, `${name}.json`), 'utf8')) as unknown;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    async write(name, value) {
      if (s.failNext) {
        s.failNext = false;
        throw new Error('disk full');
      }
      s.writes.push(name);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, `${name}.json.tmp`), JSON.stringify(value));
      await rename(join(dir, `${name}.json.tmp`), join(dir, `${name}.json`));
    },
    async remove(name) {
      await rm(join(dir, `${name}.json`), { force: true });
    },
    async list() {
      try {
        return readdirSync(dir)
          .filter((f) => f.endsWith('.json'))
          .map((f) => f.slice(0, -5));
      } catch {
        return [];
      }
    },
  };
  return s;
}

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'pacer-chat-store-'));
  dirs.push(dir);
  const clock = new FakeClock();
  const errors: string[] = [];
  const open = () => {
    const storage = folderStorage(dir);
    const store = new ConversationStore({
      storage,
      clock,
      maxConversations: 3,
      throttleMs: 1000,
      onError: (m) => errors.push(m),
    });
    return { storage, store };
  };
  return { dir, clock, errors, open };
}

function chat(id: string, nowMs: number, prompt = `prompt of ${id}`): Conversation {
  const conv = newConversation(id, nowMs, 'deepseek-flash', false);
  const { assistant } = addTurn(conv, {
    userId: `${id}-u`,
    assistantId: `${id}-a`,
    text: prompt,
    context: [],
    nowMs,
  });
  appendDelta(assistant, `answer of ${id}`, '');
  finishAnswer(conv, assistant, 'done', nowMs);
  return conv;
}

describe('conversation store', () => {
  test('a reloaded window finds the conversations, newest first, and the current one', async () => {
    const { open, clock } = setup();
    const { store } = open();
    await store.load();
    await store.save(chat('one', clock.now()));
    await store.save(chat('two', clock.now() + 10));
    store.setCurrent('one');
    await store.flush();

    const reloaded = open().store;
    await reloaded.load();
    assert.deepEqual(
      reloaded.list().map((s) => [s.id, s.messageCount]),
      [
        ['two', 2],
        ['one', 2],
      ],
    );
    assert.equal(reloaded.currentId(), 'one');
    const one = await reloaded.get('one');
    assert.equal(one?.messages[1]?.text, 'answer of one');
    assert.equal(one?.title, 'prompt of one');
  });

  test('an empty conversation is not written', async () => {
    const { open, clock, dir } = setup();
    const { store, storage } = open();
    await store.load();
    await store.save(newConversation('empty', clock.now(), 'm', false));
    await store.flush();
    assert.deepEqual(storage.writes, []);
    assert.deepEqual(store.list(), []);
    assert.deepEqual(readdirSync(dir), []);
  });

  test('while streaming, saves are throttled to one per window and carry the latest text', async () => {
    const { open, clock, dir } = setup();
    const { store, storage } = open();
    await store.load();
    const conv = chat('s', clock.now());
    const answer = conv.messages[1]!;
    answer.status = 'streaming';
    for (let i = 0; i < 50; i++) {
      appendDelta(answer, ` t${i}`, '');
      store.saveSoon(conv);
    }
    await clock.advance(999);
    assert.deepEqual(storage.writes, []);
    await clock.advance(1);
    await store.flush();
    assert.deepEqual(storage.writes, ['chat-s', 'index']);
    const onDisk = JSON.parse(readFileSync(join(dir, 'chat-s.json'), 'utf8')) as Conversation;
    assert.ok(onDisk.messages[1]?.text.endsWith(' t49'));

    // The window closes mid-stream: the reload keeps the text and marks the answer stopped.
    const reloaded = open().store;
    await reloaded.load();
    const back = await reloaded.get('s');
    assert.equal(back?.messages[1]?.status, 'stopped');
    assert.ok(back?.messages[1]?.text.endsWith(' t49'));
  });

  test('a save cancels a pending throttled one', async () => {
    const { open, clock } = setup();
    const { store, storage } = open();
    await store.load();
    const conv = chat('x', clock.now());
    store.saveSoon(conv);
    await store.save(conv);
    await clock.advance(5000);
    await store.flush();
    assert.deepEqual(storage.writes, ['chat-x', 'index']);
    assert.equal(clock.pendingTimers, 0);
  });

  test('beyond the limit the oldest conversation is evicted, file and all', async () => {
    const { open, clock, dir } = setup();
    const { store } = open();
    await store.load();
    for (let i = 0; i < 4; i++) await store.save(chat(`c${i}`, clock.now() + i));
    await store.flush();
    assert.deepEqual(
      store.list().map((s) => s.id),
      ['c3', 'c2', 'c1'],
    );
    assert.deepEqual(readdirSync(dir).sort(), ['chat-c1.json', 'chat-c2.json', 'chat-c3.json', 'index.json']);
  });

  test('delete removes the file and the entry, and clears the current id', async () => {
    const { open, clock, dir } = setup();
    const { store } = open();
    await store.load();
    await store.save(chat('a', clock.now()));
    await store.save(chat('b', clock.now() + 1));
    store.setCurrent('a');
    await store.delete('a');
    assert.deepEqual(
      store.list().map((s) => s.id),
      ['b'],
    );
    assert.equal(store.currentId(), undefined);
    assert.equal(await store.get('a'), undefined);
    assert.deepEqual(readdirSync(dir).sort(), ['chat-b.json', 'index.json']);
  });

  test('a damaged conversation file loses that conversation only, with a logged reason', async () => {
    const { open, clock, dir, errors } = setup();
    const { store } = open();
    await store.load();
    await store.save(chat('good', clock.now()));
    await store.save(chat('bad', clock.now() + 1));
    await store.flush();
    writeFileSync(join(dir, 'chat-bad.json'), '{"id":"bad","messages":[{"role":"hacker"}]}');

    const reloaded = open().store;
    await reloaded.load();
    assert.equal(await reloaded.get('bad'), undefined);
    assert.match(errors.join('\n'), /Chat bad could not be read/);
    assert.deepEqual(
      reloaded.list().map((s) => s.id),
      ['good'],
    );
    assert.equal((await reloaded.get('good'))?.messages.length, 2);
  });

  test('a damaged index starts a fresh history instead of failing', async () => {
    const { open, dir, errors } = setup();
    await mkdir(dir, { recursive: true });
    writeFileSync(join(dir, 'index.json'), '{"version":1,"items":[{"id":5}]}');
    const { store } = open();
    await store.load();
    assert.deepEqual(store.list(), []);
    assert.match(errors.join('\n'), /index had 1 invalid entries/);
  });

  test('ids that are not safe file names are never read or written', async () => {
    const { open, clock, dir } = setup();
    await mkdir(dir, { recursive: true });
    writeFileSync(
      join(dir, 'index.json'),
      JSON.stringify({
        version: 1,
        items: [{ id: '../../etc/passwd', title: 't', updatedMs: 1, messageCount: 1 }],
      }),
    );
    const { store } = open();
    await store.load();
    assert.deepEqual(store.list(), []);
    assert.equal(await store.get('../../etc/passwd'), undefined);
    assert.throws(() => store.save(chat('../x', clock.now())), /unsafe conversation id/);
  });

  test('delete with an id from the webview that walks out of the folder removes nothing', async () => {
    const { open, dir } = setup();
    await mkdir(dir, { recursive: true });
    // A file beside the chats folder, the way User/settings.json sits above it in VS Code.
    const outside = join(dir, '..', `${dir.split('/').pop()}-settings.json`);
    writeFileSync(outside, '{}');
    dirs.push(outside);
    const { store } = open();
    await store.load();
    // docName prefixes "chat-", so "chat-../../../x" climbs to the parent folder.
    await store.delete(`../../../${dir.split('/').pop()}-settings`);
    assert.equal(readFileSync(outside, 'utf8'), '{}');
  });

  test('a failed write is reported and the next save still goes through', async () => {
    const { open, clock, errors } = setup();
    const { store, storage } = open();
    await store.load();
    storage.failNext = true;
    await store.save(chat('w', clock.now()));
    assert.match(errors.join('\n'), /Saving chat history \(chat-w\) failed/);
    await store.save(chat('w', clock.now()));
    const reloaded = open().store;
    await reloaded.load();
    assert.equal((await reloaded.get('w'))?.messages.length, 2);
  });
});

describe('never loses a chat: damaged index, two windows, failing disk', () => {
  /** A store on the real folder storage the extension uses. */
  function openReal(dir: string, clock: FakeClock, errors: string[] = []) {
    const storage = new FolderChatStorage(dir);
    const store = new ConversationStore({ storage, clock, onError: (m) => errors.push(m) });
    return { storage, store };
  }
  function freshDir(): string {
    const base = mkdtempSync(join(tmpdir(), 'pacer-chat-never-lose-'));
    dirs.push(base);
    return join(base, 'chats');
  }
  async function saveAll(dir: string, clock: FakeClock, ids: string[]): Promise<void> {
    const { store } = openReal(dir, clock);
    await store.load();
    for (const [i, id] of ids.entries()) await store.save(chat(id, clock.now() + i));
    store.setCurrent(ids[0] as string);
    await store.flush();
  }

  test('one invalid index entry loses nothing: the others stay and its chat comes back from its file', async () => {
    const dir = freshDir();
    const clock = new FakeClock();
    await saveAll(dir, clock, ['a', 'b', 'c']);
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { items: unknown[] };
    index.items[1] = { id: 5, title: null };
    writeFileSync(join(dir, 'index.json'), JSON.stringify(index));

    const errors: string[] = [];
    const { store } = openReal(dir, clock, errors);
    await store.load();
    assert.deepEqual(
      store.list().map((s) => s.id),
      ['c', 'b', 'a'],
    );
    assert.equal(store.currentId(), 'a');
    assert.equal((await store.get('b'))?.messages[1]?.text, 'answer of b');
  });

  test('an index that is not JSON at all is rebuilt from the chat files, and written back', async () => {
    const dir = freshDir();
    const clock = new FakeClock();
    await saveAll(dir, clock, ['a', 'b']);
    writeFileSync(join(dir, 'index.json'), '{"version":1,"items":[{"id":"a","ti');

    const errors: string[] = [];
    const { store } = openReal(dir, clock, errors);
    await store.load();
    assert.deepEqual(
      store.list().map((s) => [s.id, s.title, s.messageCount]),
      [
        ['b', 'prompt of b', 2],
        ['a', 'prompt of a', 2],
      ],
    );
    assert.match(errors.join('\n'), /index/);
    await store.flush();
    const again = openReal(dir, clock).store;
    await again.load();
    assert.equal(again.list().length, 2);
    const onDisk = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { items: unknown[] };
    assert.equal(onDisk.items.length, 2, 'the rebuilt index was saved');
  });

  test('a missing index is rebuilt; a damaged chat file stays on disk and listed nowhere', async () => {
    const dir = freshDir();
    const clock = new FakeClock();
    await saveAll(dir, clock, ['a', 'b']);
    rmSync(join(dir, 'index.json'));
    writeFileSync(join(dir, 'chat-zz.json'), '{"id":"zz"');
    const { store } = openReal(dir, clock);
    await store.load();
    assert.deepEqual(
      store
        .list()
        .map((s) => s.id)
        .sort(),
      ['a', 'b'],
    );
    assert.ok(readdirSync(dir).includes('chat-zz.json'), 'a damaged chat file is never deleted');
  });

  test('an unreadable chat is told about once, not at every start, and its file stays', async () => {
    const dir = freshDir();
    const clock = new FakeClock();
    await saveAll(dir, clock, ['a']);
    writeFileSync(join(dir, 'chat-broken.json'), '{"id":"broken","messages":');
    const first = openReal(dir, clock).store;
    await first.load();
    await first.flush();
    assert.equal(first.problem()?.kind, 'read');
    assert.match(first.problem()?.detail ?? '', /chat broken/);
    const second = openReal(dir, clock).store;
    await second.load();
    assert.equal(second.problem(), undefined);
    assert.deepEqual(
      second.list().map((s) => s.id),
      ['a'],
    );
    // Mended by hand (or readable by a later version): it is listed again.
    const conv = chat('broken', clock.now() + 5);
    writeFileSync(join(dir, 'chat-broken.json'), JSON.stringify(conv));
    const third = openReal(dir, clock).store;
    await third.load();
    assert.deepEqual(
      third.list().map((s) => s.id),
      ['broken', 'a'],
    );
  });

  test('two windows on one folder keep both chats', async () => {
    const dir = freshDir();
    const clock = new FakeClock();
    const one = openReal(dir, clock).store;
    const two = openReal(dir, clock).store;
    await one.load();
    await two.load();
    // Both windows answer at the same moment, then each goes on chatting.
    await Promise.all([one.save(chat('from-one', clock.now())), two.save(chat('from-two', clock.now() + 1))]);
    await one.save(chat('from-one', clock.now() + 2));
    await two.save(chat('from-two', clock.now() + 3));
    await Promise.all([one.flush(), two.flush()]);

    const reloaded = openReal(dir, clock).store;
    await reloaded.load();
    assert.deepEqual(
      reloaded.list().map((s) => s.id),
      ['from-two', 'from-one'],
    );
    const onDisk = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { items: { id: string }[] };
    assert.deepEqual(
      onDisk.items.map((s) => s.id).sort(),
      ['from-one', 'from-two'],
      'the index file keeps both',
    );
    // A chat deleted in one window does not come back when the other window saves.
    await one.delete('from-one');
    await two.save(chat('from-two', clock.now() + 4));
    await two.flush();
    const third = openReal(dir, clock).store;
    await third.load();
    assert.deepEqual(
      third.list().map((s) => s.id),
      ['from-two'],
    );
  });

  test('two windows going on with the same chat keep both continuations', async () => {
    const dir = freshDir();
    const clock = new FakeClock();
    await saveAll(dir, clock, ['shared']);
    // Both windows open without a folder and resume the same current chat.
    const one = openReal(dir, clock).store;
    const two = openReal(dir, clock).store;
    await one.load();
    await two.load();
    const a = (await one.get('shared')) as Conversation;
    const b = (await two.get('shared')) as Conversation;
    const goOn = (conv: Conversation, who: string, at: number) => {
      const { assistant } = addTurn(conv, {
        userId: `${who}-u2`,
        assistantId: `${who}-a2`,
        text: `follow-up in ${who}`,
        context: [],
        nowMs: at,
      });
      appendDelta(assistant, `answer in ${who}`, '');
      finishAnswer(conv, assistant, 'done', at);
    };
    goOn(a, 'one', clock.now() + 10);
    await one.save(a);
    goOn(b, 'two', clock.now() + 20);
    await two.save(b);
    await Promise.all([one.flush(), two.flush()]);

    const reloaded = openReal(dir, clock).store;
    await reloaded.load();
    const texts: string[] = [];
    for (const s of reloaded.list()) {
      const conv = await reloaded.get(s.id);
      texts.push((conv?.messages ?? []).map((m) => m.text).join(' | '));
    }
    assert.equal(texts.length, 2, texts.join('\n'));
    assert.ok(texts.some((t) => t.includes('answer in one')));
    assert.ok(texts.some((t) => t.includes('answer in two')));
    assert.ok(texts.every((t) => t.startsWith('prompt of shared | answer of shared')));
  });

  test('two windows writing the same file at once both succeed and leave whole JSON', async () => {
    const dir = freshDir();
    const a = new FolderChatStorage(dir);
    const b = new FolderChatStorage(dir);
    const big = 'x'.repeat(200_000);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).write('index', { i, big })),
    );
    assert.deepEqual(
      results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)),
      [],
    );
    const final = (await a.read('index')) as { big: string };
    assert.equal(final.big.length, 200_000);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes('tmp')),
      [],
      'no temp file is left behind',
    );
  });

  test('a chats folder that could not be created is tried again on the next save', async () => {
    const base = mkdtempSync(join(tmpdir(), 'pacer-chat-mkdir-'));
    dirs.push(base);
    // A file where the folder's parent should be: mkdir fails until it is gone.
    writeFileSync(join(base, 'storage'), 'not a folder');
    const dir = join(base, 'storage', 'chats');
    const clock = new FakeClock();
    const errors: string[] = [];
    const { store } = openReal(dir, clock, errors);
    await store.load();
    await store.save(chat('first', clock.now()));
    assert.match(errors.join('\n'), /Saving chat history/);

    rmSync(join(base, 'storage'));
    await store.save(chat('second', clock.now() + 1));
    const reloaded = openReal(dir, clock).store;
    await reloaded.load();
    assert.deepEqual(
      reloaded.list().map((s) => s.id),
      ['second', 'first'],
    );
  });
});
