import { describe, expect, it } from 'vitest';
import { MIN_PROTOCOL, type LogEntry } from '@chitchat/shared';
import { call, connect, type TestServer } from './harness';
import {
  catchUp,
  collectEvents,
  group,
  recorder,
  send,
  worldPerTest,
  type World,
  seqPagesAfter,
} from './fixtures';

/** DESIGN §3 "Referencing events": both the event and its target inside the reader's periods. */
describe('referencing events across membership periods', () => {
  let server: TestServer;
  let w: World;
  worldPerTest((s, x) => {
    server = s;
    w = x;
  });

  const edit = (conversationId: string, seq: number, text: string) =>
    call(w.alice.socket, 'message:edit', { conversationId, seq, text });
  const stub = (conversationId: string, seq: number): LogEntry => ({
    conversationId,
    seq,
    type: 'hidden',
  });

  it('a member added after a message gets a hidden stub for its edit, live and in pages', async () => {
    const chat = await group(w.alice, [w.bob]);
    const { seq: target } = await send(w.alice, chat.id, 'before carol');
    await call(w.alice.socket, 'group:update', { conversationId: chat.id, add: [w.carol.userId] });
    const carolLive = recorder(w.carol.socket);
    const bobEdit = collectEvents(w.bob.socket, chat.id, 1, (e) => e.type === 'message_edited');
    const { seq: editSeq } = await edit(chat.id, target, 'edited after carol joined');
    // A message after the edit: once Carol has it, she has had everything sent before it.
    const carolNext = collectEvents(w.carol.socket, chat.id, 1, (e) => e.type === 'message');
    await send(w.alice, chat.id, 'welcome carol');
    await carolNext;
    expect(await bobEdit).toMatchObject([
      { seq: editSeq, payload: { text: 'edited after carol joined' } },
    ]);
    // (Her own member_added may arrive after the recorder started: only what followed counts.)
    const carolSince = carolLive.of(chat.id).filter((e) => e.seq >= editSeq);
    expect(carolSince.map((e) => e.type)).toEqual(['hidden', 'message']);
    expect(carolSince[0]).toEqual(stub(chat.id, editSeq));

    const after = await catchUp(w.carol.socket, chat.id, 0);
    expect(after.events.find((e) => e.seq === editSeq)).toEqual(stub(chat.id, editSeq));
    const before = await call(w.carol.socket, 'events:before', {
      conversationId: chat.id,
      beforeSeq: editSeq + 1,
      limit: 50,
    });
    expect(before.events[0]).toEqual(stub(chat.id, editSeq));
    for (const page of [after.events, before.events])
      expect(JSON.stringify(page)).not.toContain('edited after carol joined');
    // Bob, a member all along, reads the edit itself.
    const bobLog = await catchUp(w.bob.socket, chat.id, 0);
    expect(bobLog.events.find((e) => e.seq === editSeq)).toMatchObject({ type: 'message_edited' });
  });

  it('a protocol 1 socket gets no stubs: nothing live, and full pages without them', async () => {
    const chat = await group(w.alice, [w.bob]);
    const targets: number[] = [];
    for (let i = 0; i < 3; i++) targets.push((await send(w.alice, chat.id, `old ${i}`)).seq);
    await call(w.alice.socket, 'group:update', { conversationId: chat.id, add: [w.carol.userId] });
    const carolV1 = await connect(server, w.carol.session.accessToken, MIN_PROTOCOL);
    try {
      const live = recorder(carolV1);
      for (const seq of targets) await edit(chat.id, seq, `new ${seq}`);
      const next = collectEvents(carolV1, chat.id, 1, (e) => e.type === 'message');
      const { seq: lastSeq } = await send(w.alice, chat.id, 'after the edits');
      await next;
      expect(live.of(chat.id).map((e) => e.seq)).toEqual([lastSeq]);
      // Pages of 2 over [join, 3 stubs, message]: without the stubs, still full until the end.
      const pages = await seqPagesAfter(carolV1, chat.id, 2);
      const joined = lastSeq - 4;
      expect(pages).toEqual([[joined, lastSeq], []]);
      const back = await call(carolV1, 'events:before', {
        conversationId: chat.id,
        beforeSeq: lastSeq,
        limit: 5,
      });
      expect(back.events.map((e) => e.seq)).toEqual([joined]);
    } finally {
      carolV1.close();
    }
  });

  it('a removed member sees each message as it stood when they left; a delete holds for them too', async () => {
    const chat = await group(w.alice, [w.bob, w.carol]);
    const { seq: kept } = await send(w.alice, chat.id, 'first words');
    const { seq: doomed } = await send(w.alice, chat.id, 'regrettable');
    await edit(chat.id, kept, 'second words');
    await call(w.alice.socket, 'group:update', { conversationId: chat.id, remove: [w.bob.userId] });
    await edit(chat.id, kept, 'words bob never saw');
    await call(w.alice.socket, 'message:delete', { conversationId: chat.id, seq: doomed });

    const after = await catchUp(w.bob.socket, chat.id, 0);
    const before = await call(w.bob.socket, 'events:before', {
      conversationId: chat.id,
      beforeSeq: Number.MAX_SAFE_INTEGER,
      limit: 50,
    });
    for (const page of [after.events, before.events]) {
      expect(page.find((e) => e.seq === kept)).toMatchObject({
        payload: { text: 'second words' },
        editVersion: 1,
      });
      expect(page.find((e) => e.seq === doomed)).toMatchObject({ payload: { text: null } });
      expect(JSON.stringify(page)).not.toContain('never saw');
      expect(JSON.stringify(page)).not.toContain('regrettable');
    }
    const list = await call(w.bob.socket, 'conversation:list', {});
    expect(JSON.stringify(list)).not.toContain('never saw');
    // Carol, still a member, sees the message as it is now.
    const carolLog = await catchUp(w.carol.socket, chat.id, 0);
    expect(carolLog.events.find((e) => e.seq === kept)).toMatchObject({
      payload: { text: 'words bob never saw' },
    });
  });
});
