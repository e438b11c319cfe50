import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Me, ReceiptUpdate } from '@chitchat/shared';
import { call, http, nextEvent, startServer, type ClientSocket, type TestServer } from './harness';
import { direct, group, person, send, type Person } from './fixtures';

/** The first `receipt` on `socket` about `userId` in the conversation that satisfies `match`. */
function receiptWhere(
  socket: ClientSocket,
  conversationId: string,
  userId: string,
  match: (r: ReceiptUpdate) => boolean,
  timeoutMs = 10_000,
): Promise<ReceiptUpdate> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('receipt', listener);
      reject(new Error('no such receipt'));
    }, timeoutMs);
    const listener = (r: ReceiptUpdate) => {
      if (r.conversationId !== conversationId || r.userId !== userId || !match(r)) return;
      clearTimeout(timer);
      socket.off('receipt', listener);
      resolve(r);
    };
    socket.on('receipt', listener);
  });
}

/**
 * The read-receipts switch (issue #15, DESIGN §3): off, a person's direct-chat messages show as
 * delivered, never read, to the other person, and they see no read ticks from others either, as in
 * WhatsApp; groups always count.
 */
describe('read receipts off', () => {
  let server: TestServer;
  let ana: Person;
  let ben: Person;
  beforeEach(async () => {
    server = await startServer();
    ana = await person(server, 'ana');
    ben = await person(server, 'ben');
  });
  afterEach(async () => {
    for (const p of [ana, ben]) p.socket.close();
    await server.stop();
  });

  const setReceipts = async (who: Person, readReceipts: unknown) =>
    http<Me & { error?: { code: string } }>(server, 'PATCH', '/api/me', {
      token: who.session.accessToken,
      body: { readReceipts },
    });

  /**
   * `reader` reads the conversation up to `seq`; resolves with the first receipt about them that
   * `watcher` hears with `mark` at `seq` or beyond (listened for before the read).
   */
  const readHeardBy = async (
    reader: Person,
    watcher: Person,
    conversationId: string,
    seq: number,
    mark: 'readSeq' | 'deliveredSeq',
  ) => {
    const heard = receiptWhere(
      watcher.socket,
      conversationId,
      reader.userId,
      (r) => r[mark] >= seq,
    );
    await call(reader.socket, 'receipt:read', { conversationId, seq });
    return heard;
  };

  /** `userId`'s membership (watermarks, period) as `viewer` is told it. */
  const memberAs = async (viewer: Person, conversationId: string, userId: string) =>
    (await call(viewer.socket, 'conversation:members', { conversationId })).members.find(
      (m) => m.userId === userId,
    );

  /** A direct chat both have written in (so it is no message request). */
  const chat = async () => {
    const c = await direct(ana, ben);
    await send(ana, c.id, 'hi Ben');
    await send(ben, c.id, 'hi Ana');
    return c.id;
  };

  it('hides read ticks both ways in direct chats, keeps delivered ticks, and comes back when turned on', async () => {
    const conversationId = await chat();
    const off = await setReceipts(ben, false);
    expect(off.status).toBe(200);
    expect(off.body.readReceipts).toBe(false);

    // Ben reads Ana's message: Ana sees it delivered, not read; Ben's own devices know he read it.
    const question = await send(ana, conversationId, 'are you there?');
    const benSees = receiptWhere(
      ben.socket,
      conversationId,
      ben.userId,
      (r) => r.readSeq >= question.seq,
    );
    expect(await readHeardBy(ben, ana, conversationId, question.seq, 'deliveredSeq')).toMatchObject(
      { deliveredSeq: question.seq, readSeq: 0 },
    );
    expect((await benSees).readSeq).toBe(question.seq);
    expect(await memberAs(ana, conversationId, ben.userId)).toMatchObject({
      deliveredSeq: question.seq,
      receiptSeq: 0,
    });

    // The other way: Ana reads Ben's message, and Ben (receipts off) sees no read tick either.
    const answer = await send(ben, conversationId, 'here');
    expect(await readHeardBy(ana, ben, conversationId, answer.seq, 'deliveredSeq')).toMatchObject({
      deliveredSeq: answer.seq,
      readSeq: 0,
    });
    expect((await memberAs(ben, conversationId, ana.userId))?.receiptSeq).toBe(0);

    // Turned on again: the next read shows.
    expect((await setReceipts(ben, true)).body.readReceipts).toBe(true);
    const later = await send(ana, conversationId, 'still there?');
    const read = await readHeardBy(ben, ana, conversationId, later.seq, 'readSeq');
    expect(read.readSeq).toBe(later.seq);
  });

  it('turning receipts on again does not reveal the reads made while off: receiptSeq stays frozen until the next read', async () => {
    const conversationId = await chat();
    // Ben reads what is there with receipts on: Ana sees it read.
    const first = await send(ana, conversationId, 'first');
    const firstRead = await readHeardBy(ben, ana, conversationId, first.seq, 'readSeq');
    expect(firstRead.readSeq).toBe(first.seq);

    // Off: two more messages read by Ben, seen by Ana as delivered only, receiptSeq frozen.
    await setReceipts(ben, false);
    const second = await send(ana, conversationId, 'second');
    const third = await send(ana, conversationId, 'third');
    const delivered = receiptWhere(
      ana.socket,
      conversationId,
      ben.userId,
      (r) => r.deliveredSeq >= third.seq,
    );
    await call(ben.socket, 'receipt:read', { conversationId, seq: second.seq });
    await call(ben.socket, 'receipt:read', { conversationId, seq: third.seq });
    // While off Ana is shown no read mark of Ben's (0: clients keep the highest they were told).
    expect(await delivered).toMatchObject({ deliveredSeq: third.seq, readSeq: 0 });
    const benOf = () => memberAs(ana, conversationId, ben.userId);
    expect(await benOf()).toMatchObject({ deliveredSeq: third.seq, receiptSeq: 0 });

    // On again: nothing is revealed by the switch itself; Ana hears no receipt past `first`.
    const heard: ReceiptUpdate[] = [];
    const listener = (r: ReceiptUpdate) => {
      if (r.userId === ben.userId) heard.push(r);
    };
    ana.socket.on('receipt', listener);
    expect((await setReceipts(ben, true)).body.readReceipts).toBe(true);
    expect(await benOf()).toMatchObject({ receiptSeq: first.seq });
    // Ben's own devices still know everything he read.
    const benList = await call(ben.socket, 'conversation:list', {});
    expect(benList.conversations.find((c) => c.id === conversationId)?.readSeq).toBe(third.seq);
    // The next read is public again: Ana's first receipt about Ben after the switch is that one.
    const fourth = await send(ana, conversationId, 'fourth');
    const fourthRead = await readHeardBy(ben, ana, conversationId, fourth.seq, 'readSeq');
    expect(fourthRead.readSeq).toBe(fourth.seq);
    ana.socket.off('receipt', listener);
    expect(heard.filter((r) => r.readSeq > first.seq && r.readSeq < fourth.seq)).toEqual([]);
  });

  it('a message sent while off reads privately too: turning receipts on again does not reveal it', async () => {
    const conversationId = await chat();
    const shown = (await memberAs(ana, conversationId, ben.userId))?.receiptSeq ?? -1;
    expect(shown).toBeGreaterThan(0);
    await setReceipts(ben, false);
    await send(ana, conversationId, 'one');
    await send(ana, conversationId, 'two');
    // Ben replies without a receipt:read: sending implies having read up to the reply.
    const reply = await send(ben, conversationId, 'reply while off');
    const benList = await call(ben.socket, 'conversation:list', {});
    expect(benList.conversations.find((c) => c.id === conversationId)?.readSeq).toBe(reply.seq);
    expect((await setReceipts(ben, true)).body.readReceipts).toBe(true);
    expect((await memberAs(ana, conversationId, ben.userId))?.receiptSeq).toBe(shown);
    // The next send with receipts on is public, as usual.
    const next = await send(ben, conversationId, 'back');
    expect((await memberAs(ana, conversationId, ben.userId))?.receiptSeq).toBe(next.seq);
  });

  it('a message sent while off says so (`privateRead`), live and in pages; with receipts on or in a group it does not', async () => {
    const conversationId = await chat();
    await setReceipts(ben, false);
    const pushed = nextEvent(ana.socket, 'event', (e) => e.conversationId === conversationId);
    const reply = await send(ben, conversationId, 'reply while off');
    expect(await pushed).toMatchObject({ seq: reply.seq, payload: { privateRead: true } });
    // A delete keeps it: the message still did not make Ben's read public.
    await call(ben.socket, 'message:delete', { conversationId, seq: reply.seq });
    await setReceipts(ben, true);
    const back = await send(ben, conversationId, 'back');
    const g = await group(ana, [ben], 'Book club');
    await setReceipts(ben, false);
    const inGroup = await send(ben, g.id, 'in the group');
    const page = async (id: string) =>
      (await call(ana.socket, 'events:after', { conversationId: id, afterSeq: 0, limit: 500 }))
        .events;
    const privately = (events: Awaited<ReturnType<typeof page>>) =>
      events.flatMap((e) =>
        e.type === 'message' && e.payload.privateRead === true ? [e.seq] : [],
      );
    const directEvents = await page(conversationId);
    expect(directEvents.map((e) => e.seq)).toContain(back.seq);
    expect(privately(directEvents)).toEqual([reply.seq]);
    const groupEvents = await page(g.id);
    expect(groupEvents.map((e) => e.seq)).toContain(inGroup.seq);
    expect(privately(groupEvents)).toEqual([]);
  });

  it('leaves groups alone: members see who read, whatever the switch says', async () => {
    expect((await setReceipts(ben, false)).status).toBe(200);
    const g = await group(ana, [ben], 'Book club');
    const event = await send(ana, g.id, 'chapter 3 tonight');
    const read = await readHeardBy(ben, ana, g.id, event.seq, 'readSeq');
    expect(read.readSeq).toBe(event.seq);
  });

  it('is on for a new account, and refuses a value that is not a boolean', async () => {
    const me = await http<Me>(server, 'GET', '/api/me', { token: ana.session.accessToken });
    expect(me.body.readReceipts).toBe(true);
    for (const bad of ['no', 0, null, 'false']) {
      const answer = await setReceipts(ana, bad);
      expect(answer.status).toBe(400);
      expect(answer.body.error?.code).toBe('invalid_payload');
    }
    const after = await http<Me>(server, 'GET', '/api/me', { token: ana.session.accessToken });
    expect(after.body.readReceipts).toBe(true);
  });
});
