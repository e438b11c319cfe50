import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { Store } from './types';

const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const OTHER_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const hashes = (n: number, seed = 'a') =>
  Array.from({ length: n }, (_, i) => `${seed}${String(i)}`.padEnd(64, '0').slice(0, 64));

/**
 * Two-step sign-in (issue #18), run inside describeStoreContract against each implementation: a
 * secret is in force only once confirmed, time steps only move forward, each recovery code works
 * once, and every change is conditional, so two racing requests cannot both pass.
 */
export function twoStepContract(store: () => Store): void {
  const newAccount = async () => {
    const id = randomUUID();
    await store().createUser({
      id,
      username: `t_${id.slice(0, 8)}`,
      displayName: 'Someone',
      passwordHash: 'hash',
      createdAt: 1,
    });
    return id;
  };

  it('two-step: a secret is pending until confirmed; a confirmed one cannot be replaced', async () => {
    const userId = await newAccount();
    expect(await store().twoStepOf(userId)).toBeNull();
    expect(await store().setPendingTwoStep(userId, OTHER_SECRET)).toBe(true);
    // A new set-up replaces an unconfirmed one.
    expect(await store().setPendingTwoStep(userId, SECRET)).toBe(true);
    expect(await store().twoStepOf(userId)).toEqual({
      userId,
      secret: SECRET,
      enabledAt: null,
      lastStep: null,
      recoveryCodesLeft: 0,
    });
    // Only the pending secret can be put in force.
    const input = { at: 5, step: 10, recoveryCodeHashes: hashes(10) };
    expect(await store().enableTwoStep(userId, { ...input, secret: OTHER_SECRET })).toBe(false);
    expect(await store().enableTwoStep(userId, { ...input, secret: SECRET })).toBe(true);
    expect(await store().enableTwoStep(userId, { ...input, secret: SECRET })).toBe(false);
    expect(await store().twoStepOf(userId)).toEqual({
      userId,
      secret: SECRET,
      enabledAt: 5,
      lastStep: 10,
      recoveryCodesLeft: 10,
    });
    expect(await store().setPendingTwoStep(userId, OTHER_SECRET)).toBe(false);
    expect((await store().twoStepOf(userId))?.secret).toBe(SECRET);
  });

  it('two-step: time steps are accepted once, moving forward only, and only while in force', async () => {
    const userId = await newAccount();
    await store().setPendingTwoStep(userId, SECRET);
    expect(await store().acceptTwoStepStep(userId, 3)).toBe(false);
    await store().enableTwoStep(userId, {
      secret: SECRET,
      at: 1,
      step: 10,
      recoveryCodeHashes: [],
    });
    expect(await store().acceptTwoStepStep(userId, 10)).toBe(false);
    expect(await store().acceptTwoStepStep(userId, 9)).toBe(false);
    const racing = await Promise.all([
      store().acceptTwoStepStep(userId, 11),
      store().acceptTwoStepStep(userId, 11),
    ]);
    expect(racing.filter(Boolean)).toHaveLength(1);
    expect((await store().twoStepOf(userId))?.lastStep).toBe(11);
  });

  it('two-step: each recovery code works once; new codes replace the old; off removes all', async () => {
    const userId = await newAccount();
    const [first, second] = hashes(2);
    if (first === undefined || second === undefined) throw new Error('two hashes');
    // Not in force yet: no code works.
    await store().setPendingTwoStep(userId, SECRET);
    expect(await store().useRecoveryCode(userId, first, 1)).toBe(false);
    await store().enableTwoStep(userId, {
      secret: SECRET,
      at: 1,
      step: 1,
      recoveryCodeHashes: [first, second],
    });
    const racing = await Promise.all([
      store().useRecoveryCode(userId, first, 2),
      store().useRecoveryCode(userId, first, 2),
    ]);
    expect(racing.filter(Boolean)).toHaveLength(1);
    expect((await store().twoStepOf(userId))?.recoveryCodesLeft).toBe(1);
    // Another account's code is not this one's.
    const other = await newAccount();
    expect(await store().useRecoveryCode(other, second, 2)).toBe(false);

    const [fresh] = hashes(1, 'b');
    if (fresh === undefined) throw new Error('a hash');
    expect(await store().replaceRecoveryCodes(userId, [fresh])).toBe(true);
    expect(await store().useRecoveryCode(userId, second, 3)).toBe(false);
    expect((await store().twoStepOf(userId))?.recoveryCodesLeft).toBe(1);
    expect(await store().replaceRecoveryCodes(other, [fresh])).toBe(false);

    expect(await store().disableTwoStep(userId)).toBe(true);
    expect(await store().twoStepOf(userId)).toBeNull();
    expect(await store().useRecoveryCode(userId, fresh, 4)).toBe(false);
    expect(await store().disableTwoStep(userId)).toBe(false);
    // And it can be set up again from scratch.
    expect(await store().setPendingTwoStep(userId, OTHER_SECRET)).toBe(true);
  });
}
