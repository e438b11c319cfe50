import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MENTIONS_MAX, SMALL_GROUP_MAX, type LogEntry, type MessageEvent } from '@chitchat/shared';
import { call, connect, request, type TestServer } from './harness';
import { catchUp, collectEvents, group, person, worldPerTest, type World } from './fixtures';

const messagesOf = (events: readonly LogEntry[]) =>
  events.filter((e): e is MessageEvent => e.type === 'message');

describe('mentions: user ids the sender names, checked to be current members (issue #14)', () => {
  let server: TestServer;
  let w: World;
  worldPerTest((s, x) => {
    server = s;
    w = x;
  });

  it('a member is mentioned: every member gets the ids, deduplicated, live and in pages', async () => {
    const team = await group(w.alice, [w.bob, w.carol]);
    const arriving = collectEvents(w.bob.socket, team.id, 1, (e) => e.type === 'message');
    const sent = await call(w.alice.socket, 'message:send', {
      conversationId: team.id,
      clientMsgId: randomUUID(),
      text: '@Bob @Carol lunch?',
      mentions: [w.bob.userId, w.carol.userId, w.bob.userId],
    });
    const [live] = messagesOf(await arriving);
    expect(live).toMatchObject({
      seq: sent.seq,
      payload: { text: '@Bob @Carol lunch?', mentions: [w.bob.userId, w.carol.userId] },
    });
    const paged = messagesOf((await catchUp(w.carol.socket, team.id, 0)).events);
    expect(paged.at(-1)?.payload.mentions).toEqual([w.bob.userId, w.carol.userId]);
  });

  it('a non-member, a former member or an unknown id is refused with invalid_payload and nothing is logged', async () => {
    const team = await group(w.alice, [w.bob]);
    const before = (await catchUp(w.bob.socket, team.id, 0)).lastSeq;
    const outsider = await person(server, 'dave');
    try {
      for (const mentions of [[w.carol.userId], [w.bob.userId, outsider.userId], [randomUUID()]]) {
        const refused = await request(w.alice.socket, 'message:send', {
          conversationId: team.id,
          clientMsgId: randomUUID(),
          text: 'hi',
          mentions,
        });
        expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
      }
      expect((await catchUp(w.bob.socket, team.id, 0)).lastSeq).toBe(before);

      // Bob leaves: he can no longer be mentioned.
      await call(w.bob.socket, 'group:leave', { conversationId: team.id });
      const afterLeave = await request(w.alice.socket, 'message:send', {
        conversationId: team.id,
        clientMsgId: randomUUID(),
        text: 'hi',
        mentions: [w.bob.userId],
      });
      expect(afterLeave).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    } finally {
      outsider.socket.close();
    }
  });

  it('conversation:members names each member, for the picker of a group too large for its summary', async () => {
    const others = await Promise.all(
      Array.from({ length: SMALL_GROUP_MAX + 2 }, (_, i) => person(server, `m${i}`)),
    );
    try {
      const big = await group(w.alice, [w.bob, ...others]);
      expect(big.members).toBeUndefined();
      const { members } = await call(w.alice.socket, 'conversation:members', {
        conversationId: big.id,
      });
      expect(members).toHaveLength(SMALL_GROUP_MAX + 4);
      expect(members.find((m) => m.userId === w.bob.userId)).toMatchObject({
        username: w.bob.session.user.username,
        displayName: w.bob.session.user.displayName,
      });
      // Mentioning several of them at once is fine.
      const sent = await request(w.alice.socket, 'message:send', {
        conversationId: big.id,
        clientMsgId: randomUUID(),
        text: 'all hands',
        mentions: others.map((o) => o.userId),
      });
      expect(sent.ok).toBe(true);
    } finally {
      for (const o of others) o.socket.close();
    }
  });

  it('the count is bounded and ids must be ids: invalid_payload', async () => {
    const team = await group(w.alice, [w.bob]);
    for (const mentions of [
      Array.from({ length: MENTIONS_MAX + 1 }, () => w.bob.userId),
      ['not an id!'],
      'bob',
    ]) {
      const refused = await request(w.alice.socket, 'message:send', {
        conversationId: team.id,
        clientMsgId: randomUUID(),
        text: 'hi',
        // Deliberately malformed payloads, as a hostile client would send them.
        mentions: mentions as string[],
      });
      expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    }
  });

  it('a protocol 1 socket gets the message without `mentions`, live and in pages', async () => {
    const team = await group(w.alice, [w.bob]);
    const old = await connect(server, w.bob.session.accessToken, 1);
    try {
      const arrivingOld = collectEvents(old, team.id, 1, (e) => e.type === 'message');
      const arrivingNew = collectEvents(w.bob.socket, team.id, 1, (e) => e.type === 'message');
      await call(w.alice.socket, 'message:send', {
        conversationId: team.id,
        clientMsgId: randomUUID(),
        text: '@Bob hi',
        mentions: [w.bob.userId],
      });
      const [oldLive] = messagesOf(await arrivingOld);
      const [newLive] = messagesOf(await arrivingNew);
      expect(oldLive?.payload).toEqual({ text: '@Bob hi', replyToSeq: null, attachments: [] });
      expect(newLive?.payload.mentions).toEqual([w.bob.userId]);
      const [oldPaged] = messagesOf((await catchUp(old, team.id, 0)).events);
      expect(Object.keys(oldPaged?.payload ?? {}).sort()).toEqual([
        'attachments',
        'replyToSeq',
        'text',
      ]);
    } finally {
      old.close();
    }
  });
});
