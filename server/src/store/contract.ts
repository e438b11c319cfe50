import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accountStateContract } from './contract-account-state';
import { adminContract } from './contract-admin';
import { twoStepContract } from './contract-two-step';
import { ssoContract } from './contract-sso';
import { pushContract } from './contract-push';
import { UniqueViolation, type EventOrigin, type Store } from './types';
import { newDevice, type ContractContext } from './contract-context';
import { describeLogContract } from './contract-log';
import { describeMembershipContract } from './contract-membership';
import { describeGroupsContract } from './contract-groups';
import { describeGroupLinksContract } from './contract-group-links';
import { describeDeletionContract } from './contract-deletion';
import { describeReferencesContract } from './contract-references';
import { describeVoiceContract } from './contract-voice';
import { describePollContract } from './contract-polls';
import { describeProfileContract } from './contract-profiles';

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

    accountStateContract(() => store);
    adminContract(() => store);
    twoStepContract(() => store);
    ssoContract(() => store);
    pushContract(() => store);

    it('has a store epoch that survives reopening', async () => {
      expect(store.storeEpoch()).toMatch(/^[0-9a-f-]{36}$/);
      if (factory.reopen) {
        const epoch = store.storeEpoch();
        store = await factory.reopen(store);
        expect(store.storeEpoch()).toBe(epoch);
      }
    });

    it('rotating the store epoch (a restore) gives a new one that survives reopening', async () => {
      const before = store.storeEpoch();
      const rotated = await store.rotateStoreEpoch();
      expect(rotated).toMatch(/^[0-9a-f-]{36}$/);
      expect(rotated).not.toBe(before);
      expect(store.storeEpoch()).toBe(rotated);
      if (factory.reopen) {
        store = await factory.reopen(store);
        expect(store.storeEpoch()).toBe(rotated);
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
      expect(await store.createDevice(first, 2)).toBeNull();
      expect(await store.createDevice(newDevice(user.id), 2)).toBeNull();
      expect(await store.createDevice(newDevice(user.id), 2)).toBe('device_limit');
      expect(await store.listActiveDevices(user.id)).toHaveLength(2);
      expect(await store.revokeDevice(first.id, 10)).toBe(true);
      expect(await store.revokeDevice(first.id, 11)).toBe(false);
      expect((await store.getDevice(first.id))?.revokedAt).toBe(10);
      expect(await store.createDevice(newDevice(user.id), 2)).toBeNull();

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

      const context: ContractContext = {
        store: () => store,
        who,
        origin,
        message,
      };

      describeLogContract(context);
      describeMembershipContract(context);
      describeGroupsContract(context);
      describeGroupLinksContract(context);
      describeReferencesContract(context);
      describeVoiceContract(context);
      describePollContract(context);
      describeProfileContract(context);
      describeDeletionContract(context);
    });
  });
}
