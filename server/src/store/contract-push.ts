import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { PushSubscriptionRecord } from './push-types';
import type { Store } from './types';

const P256DH = `B${'A'.repeat(86)}`;
const AUTH = 'A'.repeat(22);

/**
 * Web Push subscriptions (issue #17), run inside describeStoreContract against each implementation:
 * one per device, replaced by the next; written only for an active device of its user; removed
 * with the device's revocation; removed by endpoint only while it is still the device's.
 */
export function pushContract(store: () => Store): void {
  const newAccount = async () => {
    const userId = randomUUID();
    await store().createUser({
      id: userId,
      username: `p_${userId.slice(0, 8)}`,
      displayName: 'Someone',
      passwordHash: 'hash',
      createdAt: 1,
    });
    const device = async () => {
      const id = randomUUID();
      const refused = await store().createDevice(
        {
          id,
          userId,
          name: 'Browser',
          platform: 'web',
          createdAt: 1,
          lastSeenAt: 1,
          refreshTokenHash: randomUUID(),
          previousRefreshTokenHash: null,
          rotatedAt: null,
          revokedAt: null,
        },
        20,
      );
      expect(refused).toBeNull();
      return id;
    };
    return { userId, device };
  };
  const subscription = (
    userId: string,
    deviceId: string,
    endpoint = `https://push.example.org/${randomUUID()}`,
  ): PushSubscriptionRecord => ({
    deviceId,
    userId,
    endpoint,
    p256dh: P256DH,
    auth: AUTH,
    createdAt: 5,
  });

  it('push: one subscription per device, the newest replacing the older', async () => {
    const alice = await newAccount();
    const bob = await newAccount();
    const [a1, a2, b1] = [await alice.device(), await alice.device(), await bob.device()];
    const first = subscription(alice.userId, a1);
    expect(await store().setPushSubscription(first)).toBe(true);
    const second = subscription(alice.userId, a1);
    expect(await store().setPushSubscription(second)).toBe(true);
    expect(await store().setPushSubscription(subscription(alice.userId, a2))).toBe(true);
    expect(await store().setPushSubscription(subscription(bob.userId, b1))).toBe(true);
    const ofAlice = await store().pushSubscriptionsOf([alice.userId]);
    expect(ofAlice.map((s) => s.deviceId).sort()).toEqual([a1, a2].sort());
    expect(ofAlice.find((s) => s.deviceId === a1)).toEqual(second);
    const ofBoth = await store().pushSubscriptionsOf([alice.userId, bob.userId, alice.userId]);
    expect(ofBoth).toHaveLength(3);
    expect(await store().pushSubscriptionsOf([])).toEqual([]);
    expect(await store().pushSubscriptionsOf([randomUUID()])).toEqual([]);
  });

  it('push: only an active device of the user itself can be subscribed', async () => {
    const alice = await newAccount();
    const bob = await newAccount();
    const a1 = await alice.device();
    // Another user's device, and a device that does not exist.
    expect(await store().setPushSubscription(subscription(bob.userId, a1))).toBe(false);
    expect(await store().setPushSubscription(subscription(alice.userId, randomUUID()))).toBe(false);
    expect(await store().revokeDevice(a1, 9)).toBe(true);
    expect(await store().setPushSubscription(subscription(alice.userId, a1))).toBe(false);
    expect(await store().pushSubscriptionsOf([alice.userId, bob.userId])).toEqual([]);
  });

  it('push: revoking a device removes its subscription', async () => {
    const alice = await newAccount();
    const [a1, a2] = [await alice.device(), await alice.device()];
    await store().setPushSubscription(subscription(alice.userId, a1));
    await store().setPushSubscription(subscription(alice.userId, a2));
    expect(await store().revokeDevice(a1, 9)).toBe(true);
    expect((await store().pushSubscriptionsOf([alice.userId])).map((s) => s.deviceId)).toEqual([
      a2,
    ]);
    // Gone, not merely hidden: nothing is left to remove.
    expect(await store().removePushSubscription(a1)).toBe(false);
  });

  it('push: removal by endpoint leaves a newer subscription of the device alone', async () => {
    const alice = await newAccount();
    const a1 = await alice.device();
    const old = subscription(alice.userId, a1);
    await store().setPushSubscription(old);
    const fresh = subscription(alice.userId, a1);
    await store().setPushSubscription(fresh);
    expect(await store().removePushSubscription(a1, old.endpoint)).toBe(false);
    expect(await store().pushSubscriptionsOf([alice.userId])).toEqual([fresh]);
    expect(await store().removePushSubscription(a1, fresh.endpoint)).toBe(true);
    expect(await store().pushSubscriptionsOf([alice.userId])).toEqual([]);
    await store().setPushSubscription(fresh);
    expect(await store().removePushSubscription(a1)).toBe(true);
    expect(await store().removePushSubscription(a1)).toBe(false);
  });

  it('push: the account choice of previews in notifications is on until turned off', async () => {
    const alice = await newAccount();
    expect((await store().getUser(alice.userId))?.notificationPreviews).toBe(true);
    await store().updateUser(alice.userId, { notificationPreviews: false });
    expect((await store().getUser(alice.userId))?.notificationPreviews).toBe(false);
    await store().updateUser(alice.userId, { notificationPreviews: true });
    expect((await store().getUser(alice.userId))?.notificationPreviews).toBe(true);
  });
}
