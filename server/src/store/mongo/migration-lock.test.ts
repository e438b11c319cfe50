import { describe, expect, it, vi } from 'vitest';
import { memoryDb } from '../../../test/memory-db';
import { MIGRATION_LOCK_COLLECTION, MigrationLockTimeout } from './migration-lock';
import { runPendingMigrations, type PendingMigrations } from './migrations';

// The migration lock's whole code path over test/memory-db.ts, an in-memory stand-in for the
// collection (no MongoDB can run here, DESIGN §8): the same insert / conditional update / delete
// calls the driver gets. Two "replicas" are two concurrent runPendingMigrations over one
// collection and one recorded version.

function world(stepCount: number) {
  const { collection } = memoryDb();
  const lock = collection(MIGRATION_LOCK_COLLECTION);
  let version = 0;
  const runs = Array.from({ length: stepCount }, () => 0);
  const replica = (
    steps: readonly (() => Promise<void>)[],
    options: PendingMigrations['lockOptions'] = {},
  ) =>
    runPendingMigrations({
      readVersion: async () => version,
      async recordVersion(from) {
        if (version === from) version = from + 1;
      },
      steps,
      lock,
      lockOptions: { pollMs: 5, ...options },
    });
  const counted =
    (i: number, body: () => Promise<void> = async () => undefined) =>
    async () => {
      runs[i] = (runs[i] ?? 0) + 1;
      await body();
    };
  return { lock, replica, counted, runs, version: () => version };
}

const gate = () => {
  let open = () => undefined as void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
};

describe('MongoDB migrations run under a lock: one replica migrates, the others wait', () => {
  it('of two replicas starting together, the second waits while the first migrates, then finds every migration done and runs none', async () => {
    const w = world(3);
    const secondWaited = gate();
    const firstInside = gate();
    // The first replica's first migration lasts until the second has found the lock held.
    const slow = w.counted(0, async () => {
      firstInside.open();
      await secondWaited.opened;
    });
    const steps = [slow, w.counted(1), w.counted(2)];
    const waits: string[] = [];
    const first = w.replica(steps, { owner: 'replica-a' });
    await firstInside.opened;
    const second = w.replica(steps, {
      owner: 'replica-b',
      onWait(holder) {
        waits.push(holder);
        secondWaited.open();
      },
    });
    await Promise.all([first, second]);
    expect(waits[0]).toBe('replica-a');
    expect(w.runs).toEqual([1, 1, 1]);
    expect(w.version()).toBe(3);
    // Released: nothing is left to hold up the next start.
    expect(w.lock.docs).toEqual([]);
  });

  it('a lock left by a replica that crashed (not renewed past its expiry) is taken over', async () => {
    const w = world(1);
    w.lock.docs.push({
      _id: 'migrations',
      owner: 'crashed',
      expiresAt: Date.now() - 1,
      takenAt: 0,
    });
    await w.replica([w.counted(0)]);
    expect(w.runs).toEqual([1]);
    expect(w.lock.docs).toEqual([]);
  });

  it('a lock held too long is reported with its holder and how to remove it, and nothing runs', async () => {
    const w = world(1);
    w.lock.docs.push({
      _id: 'migrations',
      owner: 'host-1:42:abcd',
      expiresAt: Date.now() + 60_000,
      takenAt: 0,
    });
    const refused = w.replica([w.counted(0)], { waitMs: 30 });
    await expect(refused).rejects.toBeInstanceOf(MigrationLockTimeout);
    await expect(refused).rejects.toThrow(/locked by host-1:42:abcd .*deleteOne/);
    expect(w.runs).toEqual([0]);
  });

  it('the holder renews the lock while a long migration runs, so no one takes it over', async () => {
    const w = world(1);
    const expiries: number[] = [];
    const long = w.counted(0, async () => {
      await vi.waitFor(
        () => {
          const doc = w.lock.docs[0];
          expiries.push(Number(doc?.expiresAt));
          expect(new Set(expiries).size).toBeGreaterThan(2);
        },
        { timeout: 10_000, interval: 20 },
      );
    });
    await w.replica([long], { ttlMs: 150 });
    expect(w.runs).toEqual([1]);
  });

  it('a migration that fails releases the lock, and the next start runs it again', async () => {
    const w = world(1);
    const failing = w.counted(0, async () => {
      throw new Error('index build failed');
    });
    await expect(w.replica([failing])).rejects.toThrow('index build failed');
    expect(w.lock.docs).toEqual([]);
    expect(w.version()).toBe(0);
    await w.replica([w.counted(0)]);
    expect(w.runs).toEqual([2]);
    expect(w.version()).toBe(1);
  });

  it('an ordinary start (nothing pending) takes no lock: a held one does not delay it', async () => {
    const w = world(1);
    await w.replica([w.counted(0)]);
    w.lock.docs.push({
      _id: 'migrations',
      owner: 'other',
      expiresAt: Date.now() + 60_000,
      takenAt: 0,
    });
    await w.replica([w.counted(0)], { waitMs: 0 });
    expect(w.runs).toEqual([1]);
  });
});
