import { randomUUID } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import {
  USER_SEARCH_MAX_RESULTS,
  type AuthSession,
  type ChangePasswordBody,
  type DeviceDescriptor,
  type DeviceInfo,
  type LoginBody,
  type Me,
  type PublicUser,
  type RegisterBody,
  type RegistrationMode,
  type SessionRevoked,
  type TokenPair,
  type UpdateMeBody,
} from '@chitchat/shared';
import type { DeviceRecord, Store, UserRecord } from '../store/types';
import { StoreRefusal, UniqueViolation } from '../store/types';
import { ServiceError, forbidden, notFound, refusalToError, unauthorized } from './errors';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { consumeOrThrow, ensureNotExhausted, type AuthRateLimits } from './rate-limits';
import type { ServerKeys } from './secrets';
import { identityOf, type ProfilesService } from './profiles';
import type { TwoStepService } from './two-step';
import { hasPassword } from './passwords';
import {
  hashToken,
  mintRefreshToken,
  nextRefreshToken,
  parseRefreshToken,
  signAccessToken,
  verifyAccessToken,
  type AccessClaims,
} from './tokens';

export interface AccountsOptions {
  /** `REGISTRATION` (DESIGN §4). */
  registration: RegistrationMode;
  maxDevices: number;
  refreshGraceMs: number;
  accessTokenTtlS: number;
  /** The single sign-on provider's name (`OIDC_NAME`), when single sign-on is on. */
  ssoName?: string;
  /** `USERNAME_QUARANTINE_DAYS` in ms: how long a deleted account's username stays reserved. */
  usernameQuarantineMs?: number;
}

/** Told when a device stops being signed in, so its live connections can be closed. */
export interface SessionListener {
  deviceRevoked(deviceId: string, reason: SessionRevoked['reason']): void;
}

/** Told when someone narrows who may see them, so what others see of them stops at once. */
export interface RelationshipListener {
  blocked(userId: string, blockedIds: readonly string[]): void;
  /** The presence audience may be smaller now (a block, `lastSeenVisibility`); resolves once applied. */
  audienceNarrowed(userId: string): Promise<void>;
}

export type AccountsService = ReturnType<typeof createAccountsService>;

const DISABLED_MESSAGE = 'This account is disabled; ask an admin of this server to enable it.';

const DEFAULT_DEVICE: DeviceDescriptor = { name: 'Unnamed device', platform: 'unknown' };

/** Name and username only (admin lists, invitations); others' photo and about go through profiles.ts. */
export const toPublicUser = (user: UserRecord): PublicUser => identityOf(user);

const toDeviceInfo = (device: DeviceRecord, currentDeviceId: string): DeviceInfo => ({
  id: device.id,
  name: device.name,
  platform: device.platform,
  createdAt: device.createdAt,
  lastSeenAt: device.lastSeenAt,
  current: device.id === currentDeviceId,
});

const DEFAULT_QUARANTINE_MS = 30 * 24 * 3600 * 1000;

export function createAccountsService(deps: {
  store: Store;
  keys: ServerKeys;
  limits: AuthRateLimits;
  /** `RATE_LIMIT_SEARCH`, keyed by user id. */
  searchLimit: RateLimiterAbstract;
  options: AccountsOptions;
  sessions: SessionListener;
  relationships?: RelationshipListener;
  /** Two-step sign-in (issue #18): the second step of a login, and the state `me` shows. */
  twoStep: TwoStepService;
  /** Photos and about lines as others see them, and the push when they change (issue #15). */
  profiles: ProfilesService;
  now?: () => number;
}) {
  const { store, keys, limits, options, sessions } = deps;
  const now = deps.now ?? Date.now;
  // Verified against when the username is unknown, so both paths cost the same time.
  const decoyHash = hash(randomUUID());

  const toMe = async (user: UserRecord): Promise<Me> => ({
    ...toPublicUser(user),
    createdAt: user.createdAt,
    role: user.role,
    lastSeenVisibility: user.lastSeenVisibility,
    groupAdds: user.groupAdds,
    readReceipts: user.readReceipts,
    photo: user.photo,
    about: user.about,
    photoVisibility: user.photoVisibility,
    aboutVisibility: user.aboutVisibility,
    notificationPreviews: user.notificationPreviews,
    blocked: await store.blockedUserIds(user.id),
    twoStep: await deps.twoStep.status(user),
    hasPassword: hasPassword(user),
  });

  const issueAccessToken = (claims: AccessClaims) =>
    signAccessToken(keys.accessToken, claims, options.accessTokenTtlS);

  async function startSession(
    user: UserRecord,
    descriptor: DeviceDescriptor | undefined,
  ): Promise<AuthSession> {
    const deviceId = randomUUID();
    const refreshToken = mintRefreshToken(keys.refreshToken, deviceId);
    const at = now();
    const device: DeviceRecord = {
      id: deviceId,
      userId: user.id,
      name: (descriptor ?? DEFAULT_DEVICE).name,
      platform: (descriptor ?? DEFAULT_DEVICE).platform,
      createdAt: at,
      lastSeenAt: at,
      refreshTokenHash: hashToken(refreshToken),
      previousRefreshTokenHash: null,
      rotatedAt: null,
      revokedAt: null,
    };
    const refusal = await store.createDevice(device, options.maxDevices);
    if (refusal === 'disabled') throw forbidden(DISABLED_MESSAGE);
    if (refusal === 'device_limit') {
      throw forbidden(
        `This account already has ${options.maxDevices} signed-in devices; sign one out under Settings → Devices first.`,
      );
    }
    return {
      user: await toMe(user),
      device: toDeviceInfo(device, deviceId),
      accessToken: await issueAccessToken({ userId: user.id, deviceId }),
      refreshToken,
    };
  }

  async function me(userId: string): Promise<Me> {
    const user = await store.getUser(userId);
    if (user === null) throw unauthorized();
    return toMe(user);
  }

  /**
   * The signed-in person's account when `password` is its current password. Wrong passwords count
   * against the same failure limit as logins (so this cannot be used to guess it) and are
   * `forbidden`, not 401: the access token is fine, and a client would take 401 as "sign in again".
   */
  async function confirmPassword(
    auth: AccessClaims,
    password: string,
    address: string,
  ): Promise<UserRecord> {
    const user = await store.getUser(auth.userId);
    if (user === null || user.disabledAt !== null) throw unauthorized();
    const failureKey = `${user.username.toLowerCase()}|${address}`;
    await ensureNotExhausted(limits.failuresPerUsername, failureKey);
    if (!(await verify(user.passwordHash, password))) {
      await consumeOrThrow(limits.failuresPerUsername, failureKey);
      throw forbidden('The current password is wrong.');
    }
    return user;
  }

  async function revoke(deviceId: string, reason: SessionRevoked['reason']): Promise<void> {
    if (await store.revokeDevice(deviceId, now())) sessions.deviceRevoked(deviceId, reason);
  }

  async function revokeOthers(
    auth: AccessClaims,
    reason: SessionRevoked['reason'],
  ): Promise<number> {
    let count = 0;
    for (const device of await store.listActiveDevices(auth.userId)) {
      if (device.id === auth.deviceId) continue;
      if (await store.revokeDevice(device.id, now())) {
        sessions.deviceRevoked(device.id, reason);
        count++;
      }
    }
    return count;
  }

  return {
    /**
     * Creates an account as `REGISTRATION` allows: `open` anyone; `invite` the first account, then
     * only with a usable invite code (one use consumed with the account); `closed` nobody (the
     * operator creates accounts with `npm run admin`). Refusals are `forbidden` and create nothing.
     */
    async register(body: RegisterBody, address: string): Promise<AuthSession> {
      await consumeOrThrow(limits.attemptsPerAddress, address);
      if (options.registration === 'closed') {
        throw forbidden(
          'This server does not take new accounts; ask its admin to create one for you.',
        );
      }
      const at = now();
      const candidate = {
        id: randomUUID(),
        username: body.username,
        displayName: body.displayName ?? body.username,
        passwordHash: await hash(body.password),
        createdAt: at,
      };
      let user: UserRecord;
      try {
        user = await store.registerUser(candidate, {
          policy: options.registration === 'open' ? 'free' : 'invite',
          ...(body.inviteCode === undefined ? {} : { inviteCode: body.inviteCode }),
          at,
          releaseDeletedBefore: at - (options.usernameQuarantineMs ?? DEFAULT_QUARANTINE_MS),
        });
      } catch (error) {
        if (error instanceof UniqueViolation) {
          throw new ServiceError('conflict', 'That username is taken; choose another.');
        }
        if (error instanceof StoreRefusal && body.inviteCode === undefined) {
          throw forbidden(
            'This server needs an invite to register: paste the invite code or link an admin gave you.',
          );
        }
        return refusalToError(error);
      }
      return startSession(user, body.device);
    },

    async login(body: LoginBody, address: string): Promise<AuthSession> {
      const failureKey = `${body.username.toLowerCase()}|${address}`;
      await consumeOrThrow(limits.attemptsPerAddress, address);
      await ensureNotExhausted(limits.failuresPerUsername, failureKey);
      const user = await store.findUserByUsername(body.username);
      // An account made by single sign-on has no password: checked against the decoy, so it
      // answers like a wrong password, in the same time.
      const checked = user !== null && hasPassword(user) ? user.passwordHash : await decoyHash;
      const valid = (await verify(checked, body.password)) && checked !== (await decoyHash);
      if (user === null || !valid) {
        await consumeOrThrow(limits.failuresPerUsername, failureKey);
        throw unauthorized(
          options.ssoName === undefined
            ? 'Wrong username or password.'
            : `Wrong username or password. (If you signed up with ${options.ssoName}, use "Continue with ${options.ssoName}".)`,
        );
      }
      // The second step, for accounts that have it: `two_step_required` until a code comes.
      await deps.twoStep.checkLogin(user, body.twoStepCode);
      // Told only to someone who knows the password; the store refuses the device as well.
      if (user.disabledAt !== null) throw forbidden(DISABLED_MESSAGE);
      return startSession(user, body.device);
    },

    /**
     * Rotates the refresh token. The previous token presented again within the grace window gets the
     * same new token (a lost response must not sign anyone out); an older token, or the previous one
     * after the window, means the token was copied: the device is revoked.
     */
    async refresh(refreshToken: string): Promise<TokenPair> {
      const parsed = parseRefreshToken(keys.refreshToken, refreshToken);
      if (parsed === null) throw unauthorized();
      const device = await store.getDevice(parsed.deviceId);
      if (device === null || device.revokedAt !== null) throw unauthorized();
      // Disabling revokes every device; this also ends one made in a race with the disable.
      const owner = await store.getUser(device.userId);
      if (owner === null || owner.disabledAt !== null) {
        await revoke(device.id, 'disabled');
        throw unauthorized('This account is disabled; ask an admin of this server to enable it.');
      }
      const presented = hashToken(refreshToken);
      const next = nextRefreshToken(keys.refreshToken, parsed);
      const claims = { userId: device.userId, deviceId: device.id };

      if (presented === device.refreshTokenHash) {
        const rotated = await store.rotateRefreshToken({
          deviceId: device.id,
          expectedHash: presented,
          newHash: hashToken(next),
          rotatedAt: now(),
        });
        // Lost a race with a concurrent refresh of the same token: that one rotated to `next` too.
        if (!rotated) {
          const after = await store.getDevice(device.id);
          if (
            after === null ||
            after.revokedAt !== null ||
            after.refreshTokenHash !== hashToken(next)
          ) {
            throw unauthorized();
          }
        }
        return { accessToken: await issueAccessToken(claims), refreshToken: next };
      }
      const withinGrace =
        device.previousRefreshTokenHash === presented &&
        device.rotatedAt !== null &&
        now() - device.rotatedAt <= options.refreshGraceMs &&
        device.refreshTokenHash === hashToken(next);
      if (withinGrace) return { accessToken: await issueAccessToken(claims), refreshToken: next };

      await revoke(device.id, 'token_reuse');
      throw unauthorized('This sign-in was ended because its token was used twice; sign in again.');
    },

    /** The claims of a valid access token whose device is still signed in; else `unauthorized`. */
    async authenticate(accessToken: string): Promise<AccessClaims> {
      const claims = await verifyAccessToken(keys.accessToken, accessToken);
      if (claims === null) throw unauthorized('The access token is invalid or expired.');
      const device = await store.getDevice(claims.deviceId);
      if (device === null || device.revokedAt !== null || device.userId !== claims.userId) {
        throw unauthorized('This device was signed out.');
      }
      return claims;
    },

    async logout(auth: AccessClaims): Promise<void> {
      await revoke(auth.deviceId, 'logged_out');
    },

    me,
    confirmPassword,

    /**
     * A new device for an account whose identity was proven another way (single sign-on); refused
     * like any sign-in when the account is disabled or has too many devices.
     */
    async sessionFor(user: UserRecord, device: DeviceDescriptor | undefined): Promise<AuthSession> {
      if (user.disabledAt !== null) throw forbidden(DISABLED_MESSAGE);
      return startSession(user, device);
    },

    async updateMe(userId: string, body: UpdateMeBody): Promise<Me> {
      const changes: Parameters<Store['updateUser']>[1] = {};
      if (body.displayName !== undefined) changes.displayName = body.displayName;
      if (body.lastSeenVisibility !== undefined)
        changes.lastSeenVisibility = body.lastSeenVisibility;
      if (body.groupAdds !== undefined) changes.groupAdds = body.groupAdds;
      if (body.readReceipts !== undefined) changes.readReceipts = body.readReceipts;
      if (body.photo !== undefined) {
        // Checked before anything is written: a refused photo changes nothing else either.
        if (body.photo !== null) await deps.profiles.checkPhoto(userId, body.photo);
        changes.photo = body.photo;
      }
      if (body.about !== undefined) changes.about = body.about;
      if (body.photoVisibility !== undefined) changes.photoVisibility = body.photoVisibility;
      if (body.aboutVisibility !== undefined) changes.aboutVisibility = body.aboutVisibility;
      if (body.notificationPreviews !== undefined)
        changes.notificationPreviews = body.notificationPreviews;
      await store.updateUser(userId, changes);
      const seenByOthers = [
        body.displayName,
        body.photo,
        body.about,
        body.photoVisibility,
        body.aboutVisibility,
      ].some((value) => value !== undefined);
      // Settings only the person sees still reach their other devices (they fetch `Me` again).
      const ownOnly = [
        body.lastSeenVisibility,
        body.groupAdds,
        body.readReceipts,
        body.notificationPreviews,
      ].some((value) => value !== undefined);
      if (seenByOthers) await deps.profiles.announce(userId);
      else if (ownOnly) await deps.profiles.announceToSelf(userId);
      let narrowed = body.lastSeenVisibility !== undefined;
      if (body.block !== undefined || body.unblock !== undefined) {
        await store.updateBlocks(userId, body.block ?? [], body.unblock ?? []);
        const blocked = (body.block ?? []).filter((id) => id !== userId);
        if (blocked.length > 0) {
          deps.relationships?.blocked(userId, blocked);
          narrowed = true;
        }
      }
      // Answered after current watchers outside the new audience were dropped.
      if (narrowed) await deps.relationships?.audienceNarrowed(userId);
      return me(userId);
    },

    /** Users by username prefix (validated: at least USER_SEARCH_MIN_LENGTH characters). */
    async searchUsers(userId: string, prefix: string): Promise<PublicUser[]> {
      await consumeOrThrow(deps.searchLimit, userId);
      const users = await store.searchUsers(prefix.trim(), USER_SEARCH_MAX_RESULTS);
      return deps.profiles.viewsFor(userId, users);
    },

    async listDevices(auth: AccessClaims): Promise<DeviceInfo[]> {
      const devices = await store.listActiveDevices(auth.userId);
      return devices.map((d) => toDeviceInfo(d, auth.deviceId));
    },

    /**
     * Changes the password when the current one is right, then signs out every other device of the
     * account at once (their sockets close, their refresh tokens stop working): whoever knew the
     * old password is out. The calling device stays signed in. Wrong current passwords count
     * against the same failure limit as logins, so this cannot be used to guess the password.
     */
    async changePassword(
      auth: AccessClaims,
      body: ChangePasswordBody,
      address: string,
    ): Promise<{ devicesSignedOut: number }> {
      const user = await store.getUser(auth.userId);
      if (user !== null && !hasPassword(user)) {
        throw forbidden(
          `This account signs in with ${options.ssoName ?? 'single sign-on'} and has no password to change.`,
        );
      }
      const confirmed = await confirmPassword(auth, body.currentPassword, address);
      await store.setPasswordHash(confirmed.id, await hash(body.newPassword));
      return { devicesSignedOut: await revokeOthers(auth, 'password_changed') };
    },

    /** "Sign out all other devices": every device of the account but the calling one. */
    async revokeOtherDevices(auth: AccessClaims): Promise<{ devicesSignedOut: number }> {
      return { devicesSignedOut: await revokeOthers(auth, 'revoked') };
    },

    async revokeDevice(auth: AccessClaims, deviceId: string): Promise<void> {
      const device = await store.getDevice(deviceId);
      if (device === null || device.userId !== auth.userId || device.revokedAt !== null) {
        throw notFound('No such device.');
      }
      await revoke(deviceId, 'revoked');
    },
  };
}
