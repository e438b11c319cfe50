import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationSummary, LogEntry } from '@chitchat/shared';
import type { Store } from '../src/store/types';
import { collectEvents, direct, recorder, send, world, type Person, type World } from './fixtures';
import { call, startServer, type TestServer } from './harness';

/*
 * A summary's unreadCount counts the messages from others with readSeq < seq <= its lastSeq, and
 * nothing above: the client counts the live events above the summary's lastSeq itself (DESIGN §5,
 * desktop local store `counted_seq`). Two reads of one summary are separate snapshots whenever
 * another server process shares the SQLite file or the store is MongoDB, so a message can commit
 * between them; it must then be counted once, when it arrives live, never also in the summary.
 *
 * The commit is placed between the reads deterministically: the app runs on the real SQLite store,
 * one of whose reads, once armed, waits until a real send over a real socket has been acked.
 */

type HeldRead = 'changedSummaries' | 'getConversation';

/** The real store, with `hold(read, during)`: the next call of `read` runs `during` before answering. */
function holdingStore(store: Store) {
  let held: { read: HeldRead; during: () => Promise<unknown> } | null = null;
  const release = async (read: HeldRead) => {
    if (held?.read !== read) return;
    const { during } = held;
    held = null;
    await during();
  };
  const wrapped: Store = {
    ...store,
    async changedSummaries(userId, since) {
      const rows = await store.changedSummaries(userId, since);
      await release('changedSummaries');
      return rows;
    },
    async getConversation(id) {
      const conversation = await store.getConversation(id);
      await release('getConversation');
      return conversation;
    },
  };
  return {
    wrapped,
    hold(read: HeldRead, during: () => Promise<unknown>) {
      held = { read, during };
    },
  };
}

/** What a client shows: the summary's count, plus live messages from others above its lastSeq. */
const shownUnread = (summary: ConversationSummary, live: readonly LogEntry[], me: Person) =>
  summary.unreadCount +
  live.filter(
    (e) => e.type === 'message' && e.senderUserId !== me.userId && e.seq > summary.lastSeq,
  ).length;

describe('unread counts while messages commit during a summary', () => {
  let server: TestServer;
  let w: World;
  let holding: ReturnType<typeof holdingStore>;

  beforeEach(async () => {
    server = await startServer({
      wrapStore: (store) => {
        holding = holdingStore(store);
        return holding.wrapped;
      },
    });
    w = await world(server);
  });
  afterEach(async () => {
    w.close();
    await server.stop();
  });

  it('conversation:list counts a message committed after the rows were read only live', async () => {
    const chat = await direct(w.bob, w.alice);
    const earlier = collectEvents(w.alice.socket, chat.id, 2);
    await send(w.bob, chat.id, 'one');
    await send(w.bob, chat.id, 'two');
    await earlier;
    const live = recorder(w.alice.socket);
    holding.hold('changedSummaries', () => send(w.bob, chat.id, 'three'));

    const listed = await call(w.alice.socket, 'conversation:list', {});
    const summary = listed.conversations.find((c) => c.id === chat.id);
    if (summary === undefined) throw new Error('the chat is missing from the list');
    // The commit landed while the list was being built: its seq is above the summary's lastSeq.
    expect(summary).toMatchObject({ lastSeq: 2, unreadCount: 2 });
    await expect.poll(() => live.of(chat.id).map((e) => e.seq)).toEqual([3]);
    expect(shownUnread(summary, live.of(chat.id), w.alice)).toBe(3);
  });

  it('a summary answer counts a message committed after its conversation was read only live', async () => {
    const chat = await direct(w.bob, w.alice);
    const earlier = collectEvents(w.alice.socket, chat.id, 2);
    await send(w.bob, chat.id, 'one');
    await send(w.bob, chat.id, 'two');
    await earlier;
    const live = recorder(w.alice.socket);
    holding.hold('getConversation', () => send(w.bob, chat.id, 'three'));

    // Reopening the chat answers with the caller's summary (readAccess, then the summary's reads).
    const summary = await call(w.alice.socket, 'conversation:direct', { userId: w.bob.userId });
    expect(summary).toMatchObject({ id: chat.id, lastSeq: 2, unreadCount: 2 });
    await expect.poll(() => live.of(chat.id).map((e) => e.seq)).toEqual([3]);
    expect(shownUnread(summary, live.of(chat.id), w.alice)).toBe(3);
  });
});
