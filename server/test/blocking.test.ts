import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ServerToClientEvents } from '@chitchat/shared';
import { call, http, nextEvent, request, type ClientSocket, type TestServer } from './harness';
import {
  direct,
  group,
  recorder,
  send,
  textsOf,
  worldPerTest,
  type Person,
  type World,
} from './fixtures';

/** Emits `typing` and resolves with its ack (sent after the server has fanned it out). */
const typing = (from: Person, conversationId: string) =>
  new Promise<unknown>((resolve) => {
    from.socket.emit('typing', { conversationId, typing: true }, resolve);
  });

/** Every payload of `name` the socket receives from now on. */
function collect<K extends 'receipt' | 'typing' | 'presence'>(socket: ClientSocket, name: K) {
  const seen: Parameters<ServerToClientEvents[K]>[0][] = [];
  const listener = (update: Parameters<ServerToClientEvents[K]>[0]) => {
    seen.push(update);
  };
  socket.on(name, listener as never);
  return seen;
}

describe('blocking (DESIGN §6.5): nothing from the blocked person reaches the blocker', () => {
  let server: TestServer;
  let w: World;
  worldPerTest((s, x) => {
    server = s;
    w = x;
  });

  const block = (who: Person, whom: Person) =>
    http(server, 'PATCH', '/api/me', {
      token: who.session.accessToken,
      body: { block: [whom.userId] },
    });

  it('edits and deletes of old messages are refused in the direct chat, not in shared groups', async () => {
    const chat = await direct(w.bob, w.alice);
    const old = await send(w.bob, chat.id, 'original');
    const shared = await group(w.carol, [w.alice, w.bob]);
    const inGroup = await send(w.bob, shared.id, 'group original');
    await block(w.alice, w.bob);
    const aliceSees = recorder(w.alice.socket);

    const edit = await request(w.bob.socket, 'message:edit', {
      conversationId: chat.id,
      seq: old.seq,
      text: 'changed after the block',
    });
    expect(edit).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const del = await request(w.bob.socket, 'message:delete', {
      conversationId: chat.id,
      seq: old.seq,
    });
    expect(del).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    // The same edit in a shared group goes through and reaches Alice; nothing of the chat came first.
    const groupEdit = nextEvent(
      w.alice.socket,
      'event',
      (e) => e.conversationId === shared.id && e.type === 'message_edited',
    );
    await call(w.bob.socket, 'message:edit', {
      conversationId: shared.id,
      seq: inGroup.seq,
      text: 'group edit',
    });
    await groupEdit;
    expect(aliceSees.of(chat.id)).toEqual([]);
    const page = await call(w.alice.socket, 'events:after', {
      conversationId: chat.id,
      afterSeq: 0,
      limit: 10,
    });
    expect(textsOf(page.events)).toEqual(['original']);

    // The blocker's own edits still work (the block is theirs).
    const mine = await send(w.alice, chat.id, 'from alice');
    await call(w.alice.socket, 'message:edit', {
      conversationId: chat.id,
      seq: mine.seq,
      text: 'alice edits',
    });
  });

  it('typing from the blocked person does not reach the blocker; in shared groups it does', async () => {
    const chat = await direct(w.alice, w.bob);
    const shared = await group(w.carol, [w.alice, w.bob]);
    await block(w.alice, w.bob);
    const aliceTyping = collect(w.alice.socket, 'typing');
    // Ack'd without a refusal, which would tell Bob he is blocked.
    expect(await typing(w.bob, chat.id)).toMatchObject({ ok: true });
    const inGroup = nextEvent(w.alice.socket, 'typing', (t) => t.conversationId === shared.id);
    await typing(w.bob, shared.id);
    await inGroup;
    expect(aliceTyping.map((t) => t.conversationId)).toEqual([shared.id]);
    // Alice's own typing still reaches Bob.
    const bobGets = nextEvent(w.bob.socket, 'typing', (t) => t.conversationId === chat.id);
    await typing(w.alice, chat.id);
    expect(await bobGets).toMatchObject({ userId: w.alice.userId });
  });

  it('receipts stop both ways in the direct chat, live and in summaries and member lists', async () => {
    const chat = await direct(w.alice, w.bob);
    await call(w.bob.socket, 'request:accept', { conversationId: chat.id });
    const read = nextEvent(w.alice.socket, 'receipt', (r) => r.userId === w.bob.userId);
    const mine = await send(w.alice, chat.id, 'hi bob');
    await call(w.bob.socket, 'receipt:read', { conversationId: chat.id, seq: mine.seq });
    expect(await read).toMatchObject({ readSeq: mine.seq });
    const fromBob = await send(w.bob, chat.id, 'hi alice');

    await block(w.alice, w.bob);
    const aliceReceipts = collect(w.alice.socket, 'receipt');
    const bobReceipts = collect(w.bob.socket, 'receipt');
    // Alice reads Bob's last message after blocking him: Bob is not told.
    await call(w.alice.socket, 'receipt:read', { conversationId: chat.id, seq: fromBob.seq });
    const later = await send(w.alice, chat.id, 'after the block');
    await call(w.bob.socket, 'receipt:delivered', { conversationId: chat.id, seq: later.seq });
    await call(w.bob.socket, 'receipt:read', { conversationId: chat.id, seq: later.seq });

    // A barrier: an event emitted to each of them after the receipts arrives after them.
    const shared = await group(w.carol, [w.alice, w.bob]);
    await Promise.all([
      nextEvent(w.alice.socket, 'event', (e) => e.conversationId === shared.id && e.seq === 2),
      nextEvent(w.bob.socket, 'event', (e) => e.conversationId === shared.id && e.seq === 2),
      send(w.carol, shared.id, 'barrier'),
    ]);
    // Each hears only of their own marks.
    expect(aliceReceipts.filter((r) => r.conversationId === chat.id).map((r) => r.userId)).toEqual([
      w.alice.userId,
    ]);
    expect(bobReceipts.filter((r) => r.conversationId === chat.id).map((r) => r.userId)).toEqual([
      w.bob.userId,
      w.bob.userId,
    ]);

    const summary = await call(w.alice.socket, 'conversation:direct', { userId: w.bob.userId });
    expect(summary.members?.find((m) => m.userId === w.bob.userId)).toMatchObject({
      deliveredSeq: 0,
      receiptSeq: 0,
    });
    const members = await call(w.alice.socket, 'conversation:members', { conversationId: chat.id });
    expect(members.members.find((m) => m.userId === w.bob.userId)).toMatchObject({
      deliveredSeq: 0,
      receiptSeq: 0,
    });
    const bobsView = await call(w.bob.socket, 'conversation:members', { conversationId: chat.id });
    expect(bobsView.members.find((m) => m.userId === w.alice.userId)).toMatchObject({
      deliveredSeq: 0,
      receiptSeq: 0,
    });
    // Shared groups keep their receipts.
    const groupRead = nextEvent(
      w.alice.socket,
      'receipt',
      (r) => r.conversationId === shared.id && r.userId === w.bob.userId,
    );
    await call(w.bob.socket, 'receipt:read', { conversationId: shared.id, seq: 2 });
    expect(await groupRead).toMatchObject({ readSeq: 2 });
  });

  it("the blocked person sees none of the blocker's presence; an existing watch stops at once", async () => {
    await direct(w.alice, w.bob);
    const shared = await group(w.carol, [w.alice, w.bob]);
    const watched = await call(w.bob.socket, 'presence:watch', { userIds: [w.alice.userId] });
    expect(watched.presence.map((p) => p.userId)).toEqual([w.alice.userId]);
    await call(w.carol.socket, 'presence:watch', { userIds: [w.alice.userId] });

    await block(w.alice, w.bob);
    const bobPresence = collect(w.bob.socket, 'presence');
    const carolSeesOffline = nextEvent(
      w.carol.socket,
      'presence',
      (p) => p.userId === w.alice.userId && !p.online,
    );
    w.alice.socket.close();
    w.alice2.socket.close();
    await carolSeesOffline;
    // Emitted to Bob after Alice's offline announcement (which went to one room, at once).
    await Promise.all([
      nextEvent(w.bob.socket, 'event', (e) => e.conversationId === shared.id && e.seq === 2),
      send(w.carol, shared.id, 'barrier'),
    ]);
    expect(bobPresence).toEqual([]);
    // A new watch leaves Alice out, though they still share a group.
    const again = await call(w.bob.socket, 'presence:watch', { userIds: [w.alice.userId] });
    expect(again.presence).toEqual([]);
  });

  it('a blocked person cannot start a chat with the blocker, even when it exists', async () => {
    const chat = await direct(w.alice, w.bob);
    await block(w.alice, w.bob);
    const again = await request(w.bob.socket, 'conversation:direct', { userId: w.alice.userId });
    expect(again).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const sent = await request(w.bob.socket, 'message:send', {
      conversationId: chat.id,
      clientMsgId: randomUUID(),
      text: 'still?',
    });
    expect(sent).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
