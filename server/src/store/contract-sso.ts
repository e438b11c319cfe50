import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { StoreRefusal, UniqueViolation, type Store } from './types';

const hash = (seed: string) => seed.padEnd(64, '0').slice(0, 64);
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

/**
 * Single sign-on (issue #18), run inside describeStoreContract against each implementation: an
 * identity belongs to one account, linked in the transaction that makes it (a refused account
 * links nothing); one-time codes are spent once and never after they expire; a device keeps its
 * latest provider sign-in.
 */
export function ssoContract(store: () => Store): void {
  const candidate = (username: string) => ({
    id: randomUUID(),
    username,
    displayName: username,
    passwordHash: '!sso',
    createdAt: 10,
  });
  const identity = { issuer: 'https://id.example.org', subject: `s-${randomUUID()}` };

  it('sso: an identity is linked with the account it made, and only once', async () => {
    expect(await store().userIdBySsoIdentity(identity)).toBeNull();
    const user = await store().registerUser(candidate(`sso_${randomUUID().slice(0, 6)}`), {
      policy: 'free',
      at: 10,
      identity,
    });
    expect(await store().userIdBySsoIdentity(identity)).toBe(user.id);
    // Same subject at another issuer is another identity.
    expect(
      await store().userIdBySsoIdentity({
        issuer: 'https://other.example.org',
        subject: identity.subject,
      }),
    ).toBeNull();

    // A racing first sign-in of the same identity: refused whole, no second account is kept.
    const twin = candidate(`twin_${randomUUID().slice(0, 6)}`);
    await expect(
      store().registerUser(twin, { policy: 'free', at: 11, identity }),
    ).rejects.toSatisfy((e) => e instanceof UniqueViolation && e.constraint === 'identity');
    expect(await store().getUser(twin.id)).toBeNull();
    expect(await store().findUserByUsername(twin.username)).toBeNull();
  });

  it('sso: an account refused by registration links no identity', async () => {
    await store().createUser(candidate(`first_${randomUUID().slice(0, 6)}`));
    const other = { issuer: identity.issuer, subject: `s-${randomUUID()}` };
    await expect(
      store().registerUser(candidate(`late_${randomUUID().slice(0, 6)}`), {
        policy: 'invite',
        at: 12,
        identity: other,
      }),
    ).rejects.toBeInstanceOf(StoreRefusal);
    expect(await store().userIdBySsoIdentity(other)).toBeNull();
  });

  it('sso: a one-time code is taken once, and not once expired', async () => {
    const user = await store().registerUser(candidate(`code_${randomUUID().slice(0, 6)}`), {
      policy: 'free',
      at: 10,
    });
    const record = {
      codeHash: hash('a1'),
      userId: user.id,
      client: 'desktop' as const,
      challenge: CHALLENGE,
      expiresAt: 1_000,
    };
    await store().saveSsoCode(record, 100);
    await store().saveSsoCode({ ...record, codeHash: hash('b2'), client: 'web' }, 100);
    const taken = await Promise.all([
      store().takeSsoCode(record.codeHash, 500),
      store().takeSsoCode(record.codeHash, 500),
    ]);
    expect(taken.filter((t) => t !== null)).toEqual([record]);
    expect(await store().takeSsoCode(record.codeHash, 600)).toBeNull();
    // At its expiry it is gone.
    expect(await store().takeSsoCode(hash('b2'), 1_000)).toBeNull();
    expect(await store().takeSsoCode(hash('ffff'), 0)).toBeNull();
  });

  it('sso: a device keeps its latest provider sign-in', async () => {
    const user = await store().registerUser(candidate(`dev_${randomUUID().slice(0, 6)}`), {
      policy: 'free',
      at: 10,
    });
    const deviceId = randomUUID();
    await store().createDevice(
      {
        id: deviceId,
        userId: user.id,
        name: 'Laptop',
        platform: 'linux',
        createdAt: 10,
        lastSeenAt: 10,
        refreshTokenHash: randomUUID(),
        previousRefreshTokenHash: null,
        rotatedAt: null,
        revokedAt: null,
      },
      20,
    );
    expect(await store().lastSsoSignIn(deviceId)).toBeNull();
    await store().markSsoSignIn(deviceId, 50);
    await store().markSsoSignIn(deviceId, 70);
    await store().markSsoSignIn(deviceId, 60);
    expect(await store().lastSsoSignIn(deviceId)).toBe(70);
  });
}
