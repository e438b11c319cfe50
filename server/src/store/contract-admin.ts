import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { newDevice } from './contract-context';
import {
  StoreRefusal,
  UniqueViolation,
  type InviteRecord,
  type NewUser,
  type Store,
} from './types';

/**
 * Admins, invites and disabled accounts (DESIGN §3 role/disabledAt, §4 REGISTRATION), run inside
 * describeStoreContract against each implementation; `store` is that suite's fresh store.
 */
export function adminContract(store: () => Store): void {
  const newUser = (overrides: Partial<NewUser> = {}): NewUser => {
    const id = randomUUID();
    return {
      id,
      username: `u_${id.slice(0, 8)}`,
      displayName: 'Someone',
      passwordHash: 'hash',
      createdAt: 1,
      ...overrides,
    };
  };
  const invite = (overrides: Partial<InviteRecord> = {}): InviteRecord => ({
    code: randomUUID().replaceAll('-', ''),
    createdBy: null,
    createdAt: 1,
    expiresAt: 1_000,
    maxUses: 1,
    uses: 0,
    revokedAt: null,
    ...overrides,
  });
  const device = (userId: string) => newDevice(userId, { createdAt: 1, lastSeenAt: 1 });

  it('admin: the first account on an empty store is admin, later ones members unless asked', async () => {
    const first = await store().registerUser(newUser({ createdAt: 1 }), {
      policy: 'invite',
      at: 5,
    });
    expect(first).toMatchObject({ role: 'admin', disabledAt: null });
    const second = await store().registerUser(newUser({ createdAt: 2 }), { policy: 'free', at: 5 });
    expect(second.role).toBe('member');
    const asked = await store().registerUser(newUser({ createdAt: 3, role: 'admin' }), {
      policy: 'free',
      at: 5,
    });
    expect(asked.role).toBe('admin');
    expect((await store().getUser(second.id))?.role).toBe('member');
    expect((await store().listUsers()).map((u) => u.id)).toEqual([first.id, second.id, asked.id]);
  });

  it('admin: racing first registrations make exactly one admin', async () => {
    // Free: every one is admitted, one of them first.
    const free = await Promise.all(
      Array.from({ length: 6 }, () => store().registerUser(newUser(), { policy: 'free', at: 5 })),
    );
    expect(free.filter((u) => u.role === 'admin')).toHaveLength(1);
  });

  it('admin: racing first registrations without an invite admit exactly one, as admin', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, () => store().registerUser(newUser(), { policy: 'invite', at: 5 })),
    );
    const admitted = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    expect(admitted.map((u) => u.role)).toEqual(['admin']);
    expect(await store().listUsers()).toHaveLength(1);
  });

  it('admin: after the first account an invite admission consumes one use of a usable code, or writes nothing', async () => {
    await store().createUser(newUser());
    const code = invite({ maxUses: 2, expiresAt: 100 });
    await store().createInvite(code);
    const refusedWithout = store().registerUser(newUser(), { policy: 'invite', at: 5 });
    await expect(refusedWithout).rejects.toEqual(new StoreRefusal('invite_invalid'));
    const unknown = store().registerUser(newUser(), {
      policy: 'invite',
      inviteCode: 'nope',
      at: 5,
    });
    await expect(unknown).rejects.toBeInstanceOf(StoreRefusal);

    await store().registerUser(newUser(), { policy: 'invite', inviteCode: code.code, at: 5 });
    // A taken username rolls the use back.
    const taken = newUser();
    await store().createUser(taken);
    await expect(
      store().registerUser(newUser({ username: taken.username }), {
        policy: 'invite',
        inviteCode: code.code,
        at: 5,
      }),
    ).rejects.toBeInstanceOf(UniqueViolation);
    expect((await store().getInvite(code.code))?.uses).toBe(1);
    // Expired at its expiry.
    await expect(
      store().registerUser(newUser(), { policy: 'invite', inviteCode: code.code, at: 100 }),
    ).rejects.toBeInstanceOf(StoreRefusal);
    await store().registerUser(newUser(), { policy: 'invite', inviteCode: code.code, at: 99 });
    // Used up.
    await expect(
      store().registerUser(newUser(), { policy: 'invite', inviteCode: code.code, at: 6 }),
    ).rejects.toBeInstanceOf(StoreRefusal);
    expect((await store().getInvite(code.code))?.uses).toBe(2);
    expect(await store().listUsers()).toHaveLength(4);
  });

  it('admin: racing registrations for the last use of an invite admit exactly one', async () => {
    await store().createUser(newUser());
    const code = invite({ maxUses: 1 });
    await store().createInvite(code);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, () =>
        store().registerUser(newUser(), { policy: 'invite', inviteCode: code.code, at: 5 }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect((await store().getInvite(code.code))?.uses).toBe(1);
  });

  it('admin: revoked invites admit nobody and leave the list; revoking twice is false', async () => {
    await store().createUser(newUser());
    const older = invite({ createdAt: 1 });
    const newer = invite({ createdAt: 2, createdBy: null, maxUses: 3 });
    await store().createInvite(older);
    await store().createInvite(newer);
    expect((await store().listInvites()).map((i) => i.code)).toEqual([newer.code, older.code]);
    expect(await store().revokeInvite(older.code, 3)).toBe(true);
    expect(await store().revokeInvite(older.code, 4)).toBe(false);
    expect(await store().revokeInvite('unknown', 4)).toBe(false);
    expect((await store().listInvites()).map((i) => i.code)).toEqual([newer.code]);
    expect((await store().getInvite(older.code))?.revokedAt).toBe(3);
    await expect(
      store().registerUser(newUser(), { policy: 'invite', inviteCode: older.code, at: 5 }),
    ).rejects.toBeInstanceOf(StoreRefusal);
  });

  it('admin: a disabled account gets no device; the last admin who can act is kept', async () => {
    const admin = await store().registerUser(newUser(), { policy: 'free', at: 1 });
    const member = await store().registerUser(newUser(), { policy: 'free', at: 1 });
    expect(await store().setUserDisabled(admin.id, 2)).toBe('last_admin');
    expect(await store().setUserRole(admin.id, 'member')).toBe('last_admin');
    expect(await store().setUserDisabled(member.id, 2)).toBe('changed');
    expect(await store().setUserDisabled(member.id, 3)).toBe('unchanged');
    expect((await store().getUser(member.id))?.disabledAt).toBe(2);
    expect(await store().createDevice(device(member.id), 10)).toBe('disabled');
    expect(await store().listActiveDevices(member.id)).toEqual([]);
    expect(await store().setUserDisabled(member.id, null)).toBe('changed');
    expect(await store().createDevice(device(member.id), 10)).toBeNull();

    expect(await store().setUserRole(member.id, 'admin')).toBe('changed');
    expect(await store().setUserRole(member.id, 'admin')).toBe('unchanged');
    expect(await store().setUserRole(admin.id, 'member')).toBe('changed');
    // A disabled admin cannot act, so does not count as the one who keeps the server run.
    expect(await store().setUserRole(admin.id, 'admin')).toBe('changed');
    expect(await store().setUserDisabled(admin.id, 5)).toBe('changed');
    expect(await store().setUserRole(member.id, 'member')).toBe('last_admin');
    expect(await store().setUserRole('nobody', 'admin')).toBe('not_found');
    expect(await store().setUserDisabled('nobody', 1)).toBe('not_found');
  });

  it('admin: a password hash can be replaced', async () => {
    const user = await store().registerUser(newUser(), { policy: 'free', at: 1 });
    expect(await store().setPasswordHash(user.id, 'new-hash')).toBe(true);
    expect((await store().getUser(user.id))?.passwordHash).toBe('new-hash');
    expect(await store().setPasswordHash('nobody', 'x')).toBe(false);
  });
}
