import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  StoreRefusal,
  UniqueViolation,
  type DeviceRecord,
  type EventOrigin,
  type Store,
} from './types';

export interface StoreFactory {
  /** A new, empty store. */
  create(): Promise<Store>;
  /** The same data reopened (a restart), when the implementation can do that. */
  reopen?(store: Store): Promise<Store>;
  /** Removes what `create` made. */
  destroy(store: Store): Promise<void>;
}

const newUser = (username = `u_${randomUUID().slice(0, 8)}`) => ({
  id: randomUUID(),
  username,
  displayName: username,
  passwordHash: 'hash',
  createdAt: Date.now(),
});

const newDevice = (userId: string, overrides: Partial<DeviceRecord> = {}): DeviceRecord => ({
  id: randomUUID(),
  userId,
  name: 'Laptop',
  platform: 'linux',
  createdAt: Date.now(),
  lastSeenAt: Date.now(),
  refreshTokenHash: randomUUID(),
  previousRefreshTokenHash: null,
  rotatedAt: null,
  revokedAt: null,
  ...overrides,
});

/**
 * The behaviour every Store implementation must have. Each implementation's test file calls this
 * with its factory, so SQLite and MongoDB are held to the same rules.
 */
export function describeStoreContract(name: string, factory: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await factory.create();
    });
    afterEach(async () => {
      await factory.destroy(store);
    });

    it('has a store epoch that survives reopening', async () => {
      expect(store.storeEpoch()).toMatch(/^[0-9a-f-]{36}$/);
      if (factory.reopen) {
        const epoch = store.storeEpoch();
        store = await factory.reopen(store);
        expect(store.storeEpoch()).toBe(epoch);
      }
    });

    it('usernames are unique regardless of case and found regardless of case', async () => {
      const user = newUser('MixedCase');
      await store.createUser(user);
      await expect(store.createUser(newUser('mixedcase'))).rejects.toBeInstanceOf(UniqueViolation);
      expect((await store.findUserByUsername('MIXEDCASE'))?.id).toBe(user.id);
      expect((await store.findUserByUsername('MixedCase'))?.username).toBe('MixedCase');
      expect(await store.findUserByUsername('other')).toBeNull();
    });

    it('searches by prefix, literally, in username order', async () => {
      for (const n of ['pre_b', 'pre_a', 'prefix', 'other']) await store.createUser(newUser(n));
      expect((await store.searchUsers('PRE_', 10)).map((u) => u.username)).toEqual([
        'pre_a',
        'pre_b',
      ]);
      expect((await store.searchUsers('pre', 2)).map((u) => u.username)).toEqual([
        'pre_a',
        'pre_b',
      ]);
      expect(await store.searchUsers('%', 10)).toEqual([]);
    });

    it('updates settings and keeps a block list', async () => {
      const a = newUser();
      const b = newUser();
      await store.createUser(a);
      await store.createUser(b);
      await store.updateUser(a.id, { displayName: 'A', lastSeenVisibility: 'nobody' });
      expect(await store.getUser(a.id)).toMatchObject({
        displayName: 'A',
        lastSeenVisibility: 'nobody',
      });
      await store.updateBlocks(a.id, [b.id, a.id, 'missing'], []);
      expect(await store.blockedUserIds(a.id)).toEqual([b.id]);
      expect(await store.usersBlocking(b.id, [a.id, 'x'])).toEqual([a.id]);
      await store.updateBlocks(a.id, [], [b.id]);
      expect(await store.blockedUserIds(a.id)).toEqual([]);
      expect((await store.getUsers([a.id, b.id, a.id])).map((u) => u.id).sort()).toEqual(
        [a.id, b.id].sort(),
      );
    });

    it('caps active devices and rotates refresh tokens by compare-and-set', async () => {
      const user = newUser();
      await store.createUser(user);
      const first = newDevice(user.id);
      expect(await store.createDevice(first, 2)).toBe(true);
      expect(await store.createDevice(newDevice(user.id), 2)).toBe(true);
      expect(await store.createDevice(newDevice(user.id), 2)).toBe(false);
      expect(await store.listActiveDevices(user.id)).toHaveLength(2);
      expect(await store.revokeDevice(first.id, 10)).toBe(true);
      expect(await store.revokeDevice(first.id, 11)).toBe(false);
      expect((await store.getDevice(first.id))?.revokedAt).toBe(10);
      expect(await store.createDevice(newDevice(user.id), 2)).toBe(true);

      const device = newDevice(user.id, { refreshTokenHash: 'h1' });
      await store.createDevice(device, 10);
      expect(
        await store.rotateRefreshToken({
          deviceId: device.id,
          expectedHash: 'nope',
          newHash: 'h2',
          rotatedAt: 5,
        }),
      ).toBe(false);
      expect(
        await store.rotateRefreshToken({
          deviceId: device.id,
          expectedHash: 'h1',
          newHash: 'h2',
          rotatedAt: 5,
        }),
      ).toBe(true);
      expect(await store.getDevice(device.id)).toMatchObject({
        refreshTokenHash: 'h2',
        previousRefreshTokenHash: 'h1',
        rotatedAt: 5,
      });
      expect(
        await store.rotateRefreshToken({
          deviceId: device.id,
          expectedHash: 'h1',
          newHash: 'h3',
          rotatedAt: 6,
        }),
      ).toBe(false);
    });

    describe('conversations and the event log', () => {
      let users: string[];
      beforeEach(async () => {
        users = [];
        for (let i = 0; i < 3; i++) {
          const user = newUser();
          await store.createUser(user);
          users.push(user.id);
        }
      });
      const [a, b, c] = [0, 1, 2];
      const who = (i: number) => users[i] ?? '';
      const origin = (i: number, opId?: string): EventOrigin => ({
        id: randomUUID(),
        userId: who(i),
        deviceId: null,
        at: Date.now(),
        ...(opId !== undefined ? { opId } : {}),
      });
      const message = (
        conversationId: string,
        i: number,
        text: string,
        clientMsgId: string = randomUUID(),
      ) => ({
        ...origin(i),
        conversationId,
        clientMsgId,
        text,
        replyToSeq: null,
        attachments: [],
      });

      it('relationships: contacts one way, request dismissals, invitations, shared groups', async () => {
        await store.updateUser(who(a), { groupAdds: 'contacts', lastSeenVisibility: 'everyone' });
        expect(await store.getUser(who(a))).toMatchObject({
          groupAdds: 'contacts',
          lastSeenVisibility: 'everyone',
        });
        expect(await store.getUser(who(b))).toMatchObject({ groupAdds: 'everyone' });

        const { conversation } = await store.getOrCreateDirect({
          id: randomUUID(),
          userId: who(a),
          peerId: who(b),
          at: 1,
        });
        const before = await store.changeCounter();
        // Contacts are one way; self and unknown ids are ignored; a repeat adds nothing.
        expect(await store.addContacts(who(a), [who(b), who(a), 'missing'], 5)).toEqual([who(b)]);
        expect(await store.addContacts(who(a), [who(b)], 6)).toEqual([]);
        expect(await store.contactsAmong(who(a), [who(b), who(c)])).toEqual([who(b)]);
        expect(await store.contactsAmong(who(b), [who(a)])).toEqual([]);
        expect(await store.havingContact(who(b), [who(a), who(c)])).toEqual([who(a)]);
        // A new contact changes the pair's direct chat for both (its request state).
        expect(await store.changedSummaries(who(b), before)).toHaveLength(1);
        expect(await store.changedSummaries(who(a), before)).toHaveLength(1);

        expect(await store.dismissedRequestSeq(who(b), conversation.id)).toBeNull();
        const beforeDismissal = await store.changeCounter();
        await store.dismissRequest(who(b), conversation.id, 3);
        await store.dismissRequest(who(b), conversation.id, 2);
        expect(await store.dismissedRequestSeq(who(b), conversation.id)).toBe(3);
        expect(await store.changedSummaries(who(b), beforeDismissal)).toHaveLength(1);
        expect(await store.changedSummaries(who(a), beforeDismissal)).toEqual([]);

        const { conversation: team } = await store.createGroup({
          ...origin(c),
          conversationId: randomUUID(),
          title: 'Team',
          memberIds: [who(b)],
        });
        expect(await store.sharingGroup(who(c), [who(a), who(b)])).toEqual([who(b)]);
        // A direct chat is no shared group.
        expect(await store.sharingGroup(who(a), [who(b)])).toEqual([]);

        expect(await store.addInvitations(team.id, who(c), [who(a), 'missing'], 7)).toEqual([
          who(a),
        ]);
        expect(await store.addInvitations(team.id, who(b), [who(a)], 8)).toEqual([]);
        const invitation = {
          conversationId: team.id,
          userId: who(a),
          inviterId: who(c),
          createdAt: 7,
        };
        expect(await store.invitationsOf(who(a))).toEqual([invitation]);
        expect(await store.getInvitation(team.id, who(a))).toEqual(invitation);
        expect(await store.removeInvitation(team.id, who(a))).toBe(true);
        expect(await store.removeInvitation(team.id, who(a))).toBe(false);
        expect(await store.invitationsOf(who(a))).toEqual([]);
      });

      it('direct chats are one per pair, in either order', async () => {
        expect(await store.findDirect(who(a), who(b))).toBeNull();
        const first = await store.getOrCreateDirect({
          id: randomUUID(),
          userId: who(a),
          peerId: who(b),
          at: 1,
        });
        const again = await store.getOrCreateDirect({
          id: randomUUID(),
          userId: who(b),
          peerId: who(a),
          at: 2,
        });
        expect(first.created).toBe(true);
        expect(again).toEqual({ conversation: first.conversation, created: false });
        expect(await store.findDirect(who(b), who(a))).toEqual(first.conversation);
        expect(
          (await store.activeMembers(first.conversation.id)).map((m) => m.userId).sort(),
        ).toEqual([who(a), who(b)].sort());
      });

      it('appends gapless seqs; a repeated clientMsgId returns the first event and writes nothing', async () => {
        const { conversation } = await store.getOrCreateDirect({
          id: randomUUID(),
          userId: who(a),
          peerId: who(b),
          at: 1,
        });
        const first = await store.appendMessage(message(conversation.id, a, 'one', 'cm-1'));
        const retry = await store.appendMessage(message(conversation.id, a, 'one again', 'cm-1'));
        expect(retry).toEqual({ event: first.event, duplicate: true });
        const cursor = await store.changeCounter();
        const second = await store.appendMessage(message(conversation.id, b, 'two'));
        expect([first.event.seq, second.event.seq]).toEqual([1, 2]);
        expect((await store.getConversation(conversation.id))?.lastSeq).toBe(2);
        const periods = [{ joinedSeq: 1, leftSeq: null }];
        expect(
          (await store.eventsAfter(conversation.id, periods, 0, 2, 10)).map((e) => e.seq),
        ).toEqual([1, 2]);
        expect(
          (await store.eventsBefore(conversation.id, periods, 3, 10)).map((e) => e.seq),
        ).toEqual([2, 1]);
        expect(await store.eventByClientMsgId(who(a), 'cm-1')).toMatchObject({ seq: 1 });
        // The sender's own watermarks follow their send, and their summary (read up to the new
        // message) is among what changed since before it, as is the peer's (one more unread).
        expect(await store.getMembership(conversation.id, who(b))).toMatchObject({
          readSeq: 2,
          deliveredSeq: 2,
        });
        for (const [user, readSeq] of [
          [b, 2],
          [a, 1],
        ] as const) {
          const changed = await store.changedSummaries(who(user), cursor);
          expect(changed.map((row) => [row.conversation.lastSeq, row.membership.readSeq])).toEqual([
            [2, readSeq],
          ]);
        }
        await expect(
          store.appendMessage(message(conversation.id, c, 'intruder')),
        ).rejects.toBeInstanceOf(StoreRefusal);
      });

      it('a send to someone who blocks the sender is refused and writes nothing', async () => {
        const { conversation } = await store.getOrCreateDirect({
          id: randomUUID(),
          userId: who(a),
          peerId: who(b),
          at: 1,
        });
        const toB = (text: string, clientMsgId?: string) => ({
          ...message(conversation.id, a, text, clientMsgId),
          unlessBlockedBy: who(b),
        });
        await store.appendMessage(toB('before'));
        const before = await store.getConversation(conversation.id);
        await store.updateBlocks(who(b), [who(a)], []);
        const [refused, fromB] = await Promise.allSettled([
          store.appendMessage(toB('blocked')),
          store.appendMessage({
            ...message(conversation.id, b, 'b may still write'),
            unlessBlockedBy: who(a),
          }),
        ]);
        expect(refused).toMatchObject({ status: 'rejected', reason: { reason: 'blocked' } });
        expect(fromB).toMatchObject({ status: 'fulfilled', value: { event: { seq: 2 } } });
        expect(await store.getMembership(conversation.id, who(a))).toMatchObject({ readSeq: 1 });
        // A retry of the message sent before the block still gets its first answer.
        const first = (
          await store.eventsAfter(conversation.id, [{ joinedSeq: 1, leftSeq: null }], 0, 2, 10)
        )[0];
        expect(
          await store.appendMessage(
            toB('before', first?.type === 'message' ? first.clientMsgId : ''),
          ),
        ).toMatchObject({ event: { seq: 1 }, duplicate: true });
        await store.updateBlocks(who(b), [], [who(a)]);
        expect((await store.appendMessage(toB('after'))).event.seq).toBe(3);
        expect((await store.getConversation(conversation.id))?.lastSeq).toBe(
          (before?.lastSeq ?? 0) + 2,
        );
      });

      it('concurrent appends get consecutive seqs; a refused or repeated one disturbs no other', async () => {
        const { conversation } = await store.getOrCreateDirect({
          id: randomUUID(),
          userId: who(a),
          peerId: who(b),
          at: 1,
        });
        const outcomes = await Promise.allSettled([
          store.appendMessage(message(conversation.id, a, 'one', 'same-id')),
          store.appendMessage(message(conversation.id, c, 'not a member')),
          store.appendMessage(message(conversation.id, b, 'two')),
          store.appendMessage(message(conversation.id, a, 'one again', 'same-id')),
          store.appendMessage(message(conversation.id, b, 'three')),
        ]);
        expect(outcomes.map((o) => o.status)).toEqual([
          'fulfilled',
          'rejected',
          'fulfilled',
          'fulfilled',
          'fulfilled',
        ]);
        const values = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
        expect(values.map((v) => [v.event.seq, v.duplicate])).toEqual([
          [1, false],
          [2, false],
          [1, true],
          [3, false],
        ]);
        const log = await store.eventsAfter(
          conversation.id,
          [{ joinedSeq: 1, leftSeq: null }],
          0,
          10,
          10,
        );
        expect(log.map((e) => (e.type === 'message' ? e.payload.text : null))).toEqual([
          'one',
          'two',
          'three',
        ]);
      });

      it('edits update the current state; deletes remove the text from the message and its edits', async () => {
        const { conversation } = await store.getOrCreateDirect({
          id: randomUUID(),
          userId: who(a),
          peerId: who(b),
          at: 1,
        });
        await store.appendMessage(message(conversation.id, a, 'draft'));
        const edit = await store.editMessage(conversation.id, 1, 'final', origin(a, 'op-edit'));
        expect(
          await store.editMessage(conversation.id, 1, 'ignored', origin(a, 'op-edit')),
        ).toEqual(edit);
        expect(await store.getEvent(conversation.id, 1)).toMatchObject({
          payload: { text: 'final' },
          editVersion: 1,
        });
        await store.deleteMessage(conversation.id, 1, origin(a));
        const all = await store.eventsAfter(
          conversation.id,
          [{ joinedSeq: 1, leftSeq: null }],
          0,
          10,
          10,
        );
        expect(JSON.stringify(all)).not.toContain('final');
        expect(JSON.stringify(all)).not.toContain('draft');
        expect(all[0]).toMatchObject({ payload: { text: null, attachments: [] } });
        await expect(store.deleteMessage(conversation.id, 1, origin(a))).rejects.toMatchObject({
          reason: 'already_deleted',
        });
        await expect(store.editMessage(conversation.id, 2, 'x', origin(a))).rejects.toMatchObject({
          reason: 'not_message',
        });
      });

      it('a message keeps `forwarded` and its link preview as sent; a delete removes the preview; plain messages carry neither', async () => {
        const { conversation } = await store.getOrCreateDirect({
          id: randomUUID(),
          userId: who(a),
          peerId: who(b),
          at: 1,
        });
        const image = { id: 'img', name: 'og.png', mime: 'image/png', size: 3, thumbnail: false };
        const linkPreview = {
          url: 'https://example.com/',
          title: 'Example',
          description: null,
          image,
        };
        await store.appendMessage({
          ...message(conversation.id, a, 'https://example.com/'),
          forwarded: true,
          linkPreview,
        });
        await store.appendMessage(message(conversation.id, a, 'plain'));
        const page = async () =>
          store.eventsAfter(conversation.id, [{ joinedSeq: 1, leftSeq: null }], 0, 10, 10);
        const [withExtras, plain] = await page();
        expect(withExtras).toMatchObject({
          payload: { text: 'https://example.com/', forwarded: true, linkPreview },
        });
        expect(plain && 'payload' in plain ? Object.keys(plain.payload).sort() : []).toEqual([
          'attachments',
          'replyToSeq',
          'text',
        ]);
        await store.deleteMessage(conversation.id, 1, origin(a));
        const [deleted] = await page();
        expect(deleted && 'payload' in deleted ? deleted.payload : null).toEqual({
          text: null,
          replyToSeq: null,
          attachments: [],
          forwarded: true,
        });
      });

      it('referencing events: hidden stubs when the target lies outside the periods; messages as they stood when the reader left', async () => {
        const conversationId = randomUUID();
        await store.createGroup({ ...origin(a), conversationId, title: 'G', memberIds: [who(b)] });
        await store.appendMessage(message(conversationId, a, 'v0')); // 2
        await store.editMessage(conversationId, 2, 'v1', origin(a)); // 3
        await store.appendMessage(message(conversationId, a, 'doomed')); // 4
        await store.changeGroup(conversationId, origin(a), { add: [who(c)] }); // 5: c joins
        await store.changeGroup(conversationId, origin(a), { remove: [who(b)] }); // 6: b leaves
        await store.editMessage(conversationId, 2, 'v2', origin(a)); // 7
        await store.deleteMessage(conversationId, 4, origin(a)); // 8
        const periodsOf = async (i: number) =>
          (await store.getMembership(conversationId, who(i)))?.periods ?? [];
        const cPeriods = await periodsOf(c);
        const bPeriods = await periodsOf(b);
        expect(cPeriods).toEqual([{ joinedSeq: 5, leftSeq: null }]);
        expect(bPeriods).toEqual([{ joinedSeq: 1, leftSeq: 6 }]);

        // The newcomer: the edit and the delete of messages from before she joined are stubs.
        const hidden = [
          { conversationId, seq: 7, type: 'hidden' },
          { conversationId, seq: 8, type: 'hidden' },
        ];
        const cAfter = await store.eventsAfter(conversationId, cPeriods, 0, 8, 10);
        expect(cAfter.map((e) => e.seq)).toEqual([5, 6, 7, 8]);
        expect(cAfter.slice(2)).toEqual(hidden);
        expect((await store.eventsBefore(conversationId, cPeriods, 9, 10)).slice(0, 2)).toEqual(
          [...hidden].reverse(),
        );
        expect(JSON.stringify(cAfter)).not.toContain('v2');

        // The former member sees the message as it stood at their leftSeq (v1, not v2), the
        // edit they saw, and the delete for everyone, which holds for them too.
        const bLog = await store.eventsAfter(conversationId, bPeriods, 0, 6, 10);
        expect(bLog.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
        expect(bLog[1]).toMatchObject({ payload: { text: 'v1' }, editVersion: 1 });
        expect(bLog[2]).toMatchObject({ type: 'message_edited', payload: { text: 'v1' } });
        const deleted = bLog[3];
        expect(
          deleted?.type === 'message' ? [deleted.payload.text, deleted.deletedAt !== null] : null,
        ).toEqual([null, true]);
        expect(JSON.stringify(bLog)).not.toContain('v2');
        expect(JSON.stringify(bLog)).not.toContain('doomed');
        const bBefore = await store.eventsBefore(conversationId, bPeriods, 7, 10);
        expect(bBefore.find((e) => e.seq === 2)).toMatchObject({ payload: { text: 'v1' } });

        // A member since the start sees everything as it is now.
        const aLog = await store.eventsAfter(conversationId, await periodsOf(a), 0, 8, 10);
        expect(aLog[1]).toMatchObject({ payload: { text: 'v2' }, editVersion: 2 });
        expect(aLog.filter((e) => e.type === 'hidden')).toEqual([]);

        // Someone who left before any edit sees the original text.
        const early = [{ joinedSeq: 1, leftSeq: 2 }];
        expect((await store.eventsAfter(conversationId, early, 0, 2, 10))[1]).toMatchObject({
          payload: { text: 'v0' },
          editVersion: 0,
          editedAt: null,
        });
        expect(await store.lastVisibleEvent(conversationId, early, 2)).toMatchObject({
          payload: { text: 'v0' },
        });
      });

      it('group membership is a list of periods; removal closes one, a re-add opens another', async () => {
        const conversationId = randomUUID();
        const created = await store.createGroup({
          ...origin(a),
          conversationId,
          title: 'G',
          memberIds: [who(b)],
        });
        expect(created.events.map((e) => [e.seq, e.type])).toEqual([[1, 'member_added']]);
        expect(await store.getMembership(conversationId, who(a))).toMatchObject({
          role: 'owner',
          active: true,
        });
        await store.appendMessage(message(conversationId, a, 'hello'));
        const added = await store.changeGroup(conversationId, origin(a), { add: [who(c)] });
        expect(added.map((e) => e.seq)).toEqual([3]);
        const removed = await store.changeGroup(conversationId, origin(a), { remove: [who(c)] });
        await store.appendMessage(message(conversationId, a, 'while away'));
        await store.changeGroup(conversationId, origin(a), { add: [who(c)], title: 'Renamed' });
        const membership = await store.getMembership(conversationId, who(c));
        expect(membership?.periods).toEqual([
          { joinedSeq: 3, leftSeq: removed[0]?.seq ?? -1 },
          { joinedSeq: 7, leftSeq: null },
        ]);
        expect((await store.getConversation(conversationId))?.title).toBe('Renamed');
        const visible = await store.eventsAfter(
          conversationId,
          membership?.periods ?? [],
          0,
          100,
          100,
        );
        // The rename (6) came before the re-add (7) in the same change: not hers to see.
        expect(visible.map((e) => e.seq)).toEqual([3, 4, 7]);
        expect(await store.activeMembers(conversationId)).toHaveLength(3);
      });

      it('a member removed and re-added a thousand times gets correct pages, preview and unread count', async () => {
        const conversationId = randomUUID();
        await store.createGroup({
          ...origin(a),
          conversationId,
          title: 'G',
          memberIds: [who(b), who(c)],
        });
        const cycles = 1_000;
        for (let i = 0; i < cycles; i++) {
          if (i % 20 === 0) await store.appendMessage(message(conversationId, b, `in ${i}`));
          await store.changeGroup(conversationId, origin(a), { remove: [who(c)] });
          if (i % 20 === 10) await store.appendMessage(message(conversationId, b, `out ${i}`));
          await store.changeGroup(conversationId, origin(a), { add: [who(c)] });
        }
        await store.appendMessage(message(conversationId, b, 'last'));
        const periods = (await store.getMembership(conversationId, who(c)))?.periods ?? [];
        expect(periods).toHaveLength(cycles + 1);
        const lastSeq = (await store.getConversation(conversationId))?.lastSeq ?? 0;
        // The owner, a member throughout, sees every event: the reference for what c may see.
        const owner = (await store.getMembership(conversationId, who(a)))?.periods ?? [];
        const all = await store.eventsAfter(conversationId, owner, 0, lastSeq, lastSeq);
        expect(all).toHaveLength(lastSeq);
        const inside = (seq: number) =>
          periods.some((p) => seq >= p.joinedSeq && (p.leftSeq === null || seq <= p.leftSeq));
        const expected = all.filter((e) => inside(e.seq)).map((e) => e.seq);
        const texts = all.filter((e) => inside(e.seq) && e.type === 'message');
        expect(texts.some((e) => e.type === 'message' && e.payload.text?.startsWith('out'))).toBe(
          false,
        );

        const forward: number[] = [];
        for (let after = 0; ;) {
          const page = await store.eventsAfter(conversationId, periods, after, lastSeq, 100);
          forward.push(...page.map((e) => e.seq));
          if (page.length < 100) break;
          after = page.at(-1)?.seq ?? lastSeq;
        }
        expect(forward).toEqual(expected);
        const backward: number[] = [];
        for (let before = lastSeq + 1; ;) {
          const page = await store.eventsBefore(conversationId, periods, before, 100);
          backward.push(...page.map((e) => e.seq));
          if (page.length < 100) break;
          before = page.at(-1)?.seq ?? 0;
        }
        expect(backward).toEqual([...expected].reverse());
        const middle = expected[Math.floor(expected.length / 2)] ?? 0;
        expect(
          (await store.eventsAfter(conversationId, periods, middle, lastSeq, 7)).map((e) => e.seq),
        ).toEqual(expected.filter((seq) => seq > middle).slice(0, 7));
        expect(
          (await store.eventsBefore(conversationId, periods, middle, 7)).map((e) => e.seq),
        ).toEqual(
          expected
            .filter((seq) => seq < middle)
            .reverse()
            .slice(0, 7),
        );
        expect((await store.lastVisibleEvent(conversationId, periods, lastSeq))?.seq).toBe(lastSeq);
        expect(await store.countUnread(conversationId, who(c), periods, 0, lastSeq, 999)).toBe(
          texts.length,
        );
        expect(await store.countUnread(conversationId, who(c), periods, 0, lastSeq, 10)).toBe(10);
        expect(await store.countUnread(conversationId, who(c), periods, middle, lastSeq, 999)).toBe(
          texts.filter((e) => e.seq > middle).length,
        );
        // Two thousand durable membership changes take a while on a loaded machine.
      }, 180_000);

      it('membersVersion moves with every add, removal, role change and leave, and an append returns it as of its commit', async () => {
        const conversationId = randomUUID();
        await store.createGroup({ ...origin(a), conversationId, title: 'G', memberIds: [who(b)] });
        const version = async () => (await store.getConversation(conversationId))?.membersVersion;
        const appendedAt = async (text: string) => {
          const appended = await store.appendMessage(message(conversationId, a, text));
          return appended.duplicate ? -1 : appended.membersVersion;
        };
        const seen = [await version()];
        expect(await appendedAt('one')).toBe(seen[0]);
        await store.changeGroup(conversationId, origin(a), { title: 'Renamed' });
        expect(await version()).toBe(seen[0]); // a rename is not a membership change
        const changes = [
          { add: [who(c)] },
          { roles: [{ userId: who(c), role: 'admin' as const }] },
          { remove: [who(c)] },
        ];
        for (const change of changes) {
          await store.changeGroup(conversationId, origin(a), change);
          const now = await version();
          expect(now).toBeGreaterThan(seen.at(-1) ?? Infinity);
          expect(await appendedAt('after')).toBe(now);
          seen.push(now);
        }
        await store.changeGroup(conversationId, origin(b), { leave: { newOwner: null } });
        expect(await version()).toBeGreaterThan(seen.at(-1) ?? Infinity);
      });

      it('groupReceiptMinimum is the lowest delivered and public read mark over current members only', async () => {
        const conversationId = randomUUID();
        await store.createGroup({
          ...origin(a),
          conversationId,
          title: 'G',
          memberIds: [who(b), who(c)],
        });
        await store.appendMessage(message(conversationId, a, 'one'));
        await store.appendMessage(message(conversationId, a, 'two'));
        // The sender has seen both; B has two delivered and one read; C nothing yet.
        await store.advanceReceipts(conversationId, who(b), { deliveredSeq: 3, readSeq: 2 });
        expect(await store.groupReceiptMinimum(conversationId)).toEqual({
          deliveredSeq: 0,
          readSeq: 0,
        });
        await store.advanceReceipts(conversationId, who(c), { deliveredSeq: 2 });
        expect(await store.groupReceiptMinimum(conversationId)).toEqual({
          deliveredSeq: 2,
          readSeq: 0,
        });
        // A former member no longer holds the group back.
        await store.changeGroup(conversationId, origin(a), { remove: [who(c)] });
        expect(await store.groupReceiptMinimum(conversationId)).toEqual({
          deliveredSeq: 3,
          readSeq: 2,
        });
        expect(await store.groupReceiptMinimum(randomUUID())).toEqual({
          deliveredSeq: 0,
          readSeq: 0,
        });
      });

      it("the change counter orders summary changes; others' receipts do not change mine", async () => {
        const { conversation } = await store.getOrCreateDirect({
          id: randomUUID(),
          userId: who(a),
          peerId: who(b),
          at: 1,
        });
        const start = await store.changeCounter();
        expect(await store.changedSummaries(who(a), start)).toEqual([]);
        await store.appendMessage(message(conversation.id, b, 'hi'));
        expect((await store.changedSummaries(who(a), start)).map((r) => r.conversation.id)).toEqual(
          [conversation.id],
        );
        const afterMessage = await store.changeCounter();
        const receipt = await store.advanceReceipts(conversation.id, who(b), { readSeq: 1 });
        expect(receipt.changed).toBe(false); // the sender already read their own message
        await store.advanceReceipts(conversation.id, who(a), { deliveredSeq: 1 });
        expect(await store.changedSummaries(who(b), afterMessage)).toEqual([]);
        expect(await store.changedSummaries(who(a), afterMessage)).toHaveLength(1);
        const back = await store.advanceReceipts(conversation.id, who(a), { deliveredSeq: 0 });
        expect(back).toMatchObject({ changed: false, membership: { deliveredSeq: 1 } });
        expect(
          await store.countUnread(
            conversation.id,
            who(a),
            [{ joinedSeq: 1, leftSeq: null }],
            0,
            1,
            999,
          ),
        ).toBe(1);
        // Counted only up to the lastSeq the caller read: a later message is not counted here.
        await store.appendMessage(message(conversation.id, b, 'later'));
        expect(
          await store.countUnread(
            conversation.id,
            who(a),
            [{ joinedSeq: 1, leftSeq: null }],
            0,
            1,
            999,
          ),
        ).toBe(1);
        expect(
          await store.lastVisibleEvent(conversation.id, [{ joinedSeq: 1, leftSeq: null }], 1),
        ).toMatchObject({ seq: 1 });
        expect(await store.sharingConversation(who(a), [who(b), who(c)])).toEqual([who(b)]);
      });
    });
  });
}
