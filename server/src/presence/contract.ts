import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Presence } from './types';

export interface PresenceFactory {
  /** A new presence that knows nobody. */
  create(): Promise<Presence>;
  /** Removes what `create` made (after `close`). */
  destroy?(presence: Presence): Promise<void>;
}

/** What every Presence does, whether it lives in memory or in Redis. */
export function describePresenceContract(name: string, factory: PresenceFactory): void {
  describe(`Presence contract: ${name}`, () => {
    let presence: Presence;
    beforeEach(async () => {
      presence = await factory.create();
    });
    afterEach(async () => {
      await presence.close();
      await factory.destroy?.(presence);
    });
    const user = () => randomUUID();

    it('a user comes online with their first connection and goes offline with their last', async () => {
      const u = user();
      expect(await presence.connected(u, 'c1')).toEqual({ cameOnline: true });
      expect(await presence.connected(u, 'c2')).toEqual({ cameOnline: false });
      expect(await presence.disconnected(u, 'c1', 1_000)).toEqual({ wentOffline: false });
      expect((await presence.lookup([u])).get(u)).toEqual({ online: true, lastSeenAt: null });
      expect(await presence.disconnected(u, 'c2', 2_000)).toEqual({ wentOffline: true });
      expect((await presence.lookup([u])).get(u)).toEqual({ online: false, lastSeenAt: 2_000 });
    });

    it('a user who comes back is online again, and keeps the last-seen time once gone again', async () => {
      const u = user();
      await presence.connected(u, 'c1');
      await presence.disconnected(u, 'c1', 1_000);
      expect(await presence.connected(u, 'c2')).toEqual({ cameOnline: true });
      expect((await presence.lookup([u])).get(u)).toEqual({ online: true, lastSeenAt: null });
      await presence.disconnected(u, 'c2', 5_000);
      expect((await presence.lookup([u])).get(u)).toEqual({ online: false, lastSeenAt: 5_000 });
    });

    it('closing a connection twice, or one never opened, changes nothing', async () => {
      const u = user();
      expect(await presence.disconnected(u, 'never', 1_000)).toEqual({ wentOffline: false });
      await presence.connected(u, 'c1');
      await presence.disconnected(u, 'c1', 2_000);
      expect(await presence.disconnected(u, 'c1', 3_000)).toEqual({ wentOffline: false });
      expect((await presence.lookup([u])).get(u)).toEqual({ online: false, lastSeenAt: 2_000 });
    });

    it('looks up many users at once; someone never seen is offline with no last-seen time', async () => {
      const [on, gone, unknown] = [user(), user(), user()];
      await presence.connected(on, 'c1');
      await presence.connected(gone, 'c2');
      await presence.disconnected(gone, 'c2', 7_000);
      const states = await presence.lookup([on, gone, unknown]);
      expect(Object.fromEntries(states)).toEqual({
        [on]: { online: true, lastSeenAt: null },
        [gone]: { online: false, lastSeenAt: 7_000 },
        [unknown]: { online: false, lastSeenAt: null },
      });
      expect((await presence.lookup([])).size).toBe(0);
    });
  });
}
