import { randomBytes, randomUUID } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import {
  INVITE_DEFAULT_TTL_HOURS,
  INVITE_DEFAULT_USES,
  type AdminServerInfo,
  type AdminUser,
  type Invite,
  type InviteCreateBody,
  type UserRole,
} from '@chitchat/shared';
import type { AdminChange, InviteRecord, Store, UserRecord } from '../store/types';
import { UniqueViolation } from '../store/types';
import { toPublicUser, type SessionListener } from './accounts';
import { ServiceError, forbidden, notFound } from './errors';

/**
 * Who asks: a signed-in user (checked to be an admin on every call, so a demoted admin loses the
 * power at once), or the operator through `npm run admin` (the unix socket or the data directory
 * itself, which only the server's owner can reach).
 */
export type AdminActor = { kind: 'user'; userId: string } | { kind: 'operator' };

export const OPERATOR: AdminActor = { kind: 'operator' };

/** 144 random bits, base64url: unguessable, and short enough to read out or paste. */
const INVITE_CODE_BYTES = 18;

export type AdminService = ReturnType<typeof createAdminService>;

export const toAdminUser = (user: UserRecord): AdminUser => ({
  ...toPublicUser(user),
  role: user.role,
  createdAt: user.createdAt,
  disabledAt: user.disabledAt,
});

/** Accounts and invites as admins manage them (DESIGN §12); the HTTP routes and the CLI share it. */
export function createAdminService(deps: {
  store: Store;
  sessions: SessionListener;
  /** `PUBLIC_URL`: invites carry `${publicUrl}/invite/<code>` when set. */
  publicUrl?: string | undefined;
  /** What `GET /api/admin/server` shows (how the operator configured the server). */
  server?: AdminServerInfo;
  /** With `TOTP_REQUIRED_FOR_ADMINS`, an admin acts only once their two-step sign-in is on. */
  twoStep?: { adminMayAct(user: UserRecord): Promise<boolean> };
  /** `MEMBER_INVITES`: members may make single-use invites, and list and revoke their own. */
  memberInvites?: boolean;
  now?: () => number;
}) {
  const { store, sessions } = deps;
  const now = deps.now ?? Date.now;

  const toInvite = (record: InviteRecord): Invite => ({
    code: record.code,
    createdBy: record.createdBy,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    maxUses: record.maxUses,
    uses: record.uses,
    ...(deps.publicUrl === undefined ? {} : { link: `${deps.publicUrl}/invite/${record.code}` }),
  });

  async function requireAdmin(actor: AdminActor): Promise<void> {
    if (actor.kind === 'operator') return;
    const user = await store.getUser(actor.userId);
    if (user === null || user.role !== 'admin' || user.disabledAt !== null) {
      throw forbidden('Only admins of this server can do that.');
    }
    if (deps.twoStep !== undefined && !(await deps.twoStep.adminMayAct(user))) {
      throw forbidden(
        'This server requires two-step sign-in for admins: turn it on under Settings → Two-step sign-in first.',
      );
    }
  }

  /**
   * True for an enabled member (not an admin) of a server with MEMBER_INVITES: they act on their
   * own invites as a member. Admins and the operator go through requireAdmin.
   */
  async function invitingMember(actor: AdminActor): Promise<boolean> {
    if (deps.memberInvites !== true || actor.kind !== 'user') return false;
    const user = await store.getUser(actor.userId);
    return (
      user !== null && user.role === 'member' && user.disabledAt === null && user.deletedAt === null
    );
  }

  async function userByIdOrName(idOrUsername: string): Promise<UserRecord> {
    const user =
      (await store.getUser(idOrUsername)) ?? (await store.findUserByUsername(idOrUsername));
    if (user === null) throw notFound(`No user "${idOrUsername}".`);
    return user;
  }

  /** Signs out every device of the user; their live sockets get `session:revoked` and close. */
  async function revokeAllDevices(userId: string, reason: 'disabled' | 'revoked'): Promise<number> {
    const at = now();
    let revoked = 0;
    for (const device of await store.listActiveDevices(userId)) {
      if (await store.revokeDevice(device.id, at)) {
        sessions.deviceRevoked(device.id, reason);
        revoked++;
      }
    }
    return revoked;
  }

  function checkChange(change: AdminChange, what: string): void {
    if (change === 'not_found') throw notFound('No such user.');
    if (change === 'last_admin') {
      throw new ServiceError(
        'conflict',
        `Cannot ${what} the last admin who can act; make someone else admin first.`,
      );
    }
  }

  return {
    requireAdmin,

    async serverInfo(actor: AdminActor): Promise<AdminServerInfo> {
      await requireAdmin(actor);
      return (
        deps.server ?? {
          registration: 'invite',
          publicUrl: deps.publicUrl ?? null,
          twoStepRequiredForAdmins: false,
        }
      );
    },

    async createInvite(actor: AdminActor, body: InviteCreateBody): Promise<Invite> {
      if (!(await invitingMember(actor))) await requireAdmin(actor);
      else if ((body.maxUses ?? 1) > 1) {
        throw forbidden('Members can make single-use invites only; ask an admin for more uses.');
      }
      const at = now();
      const record: InviteRecord = {
        code: randomBytes(INVITE_CODE_BYTES).toString('base64url'),
        createdBy: actor.kind === 'user' ? actor.userId : null,
        createdAt: at,
        expiresAt: at + (body.expiresInHours ?? INVITE_DEFAULT_TTL_HOURS) * 3_600_000,
        maxUses: body.maxUses ?? INVITE_DEFAULT_USES,
        uses: 0,
        revokedAt: null,
      };
      await store.createInvite(record);
      return toInvite(record);
    },

    async listInvites(actor: AdminActor): Promise<Invite[]> {
      if (await invitingMember(actor)) {
        const own = actor.kind === 'user' ? actor.userId : null;
        return (await store.listInvites()).filter((i) => i.createdBy === own).map(toInvite);
      }
      await requireAdmin(actor);
      return (await store.listInvites()).map(toInvite);
    },

    async revokeInvite(actor: AdminActor, code: string): Promise<void> {
      if (await invitingMember(actor)) {
        // A member's own only; anyone else's is answered as unknown (codes stay unrevealed).
        const invite = await store.getInvite(code);
        if (actor.kind !== 'user' || invite?.createdBy !== actor.userId) {
          throw notFound('No such invite.');
        }
      } else await requireAdmin(actor);
      if (!(await store.revokeInvite(code, now()))) throw notFound('No such invite.');
    },

    async getUser(actor: AdminActor, idOrUsername: string): Promise<AdminUser> {
      await requireAdmin(actor);
      return toAdminUser(await userByIdOrName(idOrUsername));
    },

    async listUsers(actor: AdminActor): Promise<AdminUser[]> {
      await requireAdmin(actor);
      return (await store.listUsers()).map(toAdminUser);
    },

    /**
     * Disables an account and signs out every device of it at once (their sockets, on every server
     * process, get `session:revoked` with reason `disabled` and close). Idempotent.
     */
    async disableUser(actor: AdminActor, idOrUsername: string): Promise<AdminUser> {
      await requireAdmin(actor);
      const user = await userByIdOrName(idOrUsername);
      checkChange(await store.setUserDisabled(user.id, now()), 'disable');
      // Also when it was disabled already: a device made in a race is closed too.
      await revokeAllDevices(user.id, 'disabled');
      return toAdminUser(await userByIdOrName(user.id));
    },

    async enableUser(actor: AdminActor, idOrUsername: string): Promise<AdminUser> {
      await requireAdmin(actor);
      const user = await userByIdOrName(idOrUsername);
      checkChange(await store.setUserDisabled(user.id, null), 'enable');
      return toAdminUser(await userByIdOrName(user.id));
    },

    async setRole(actor: AdminActor, idOrUsername: string, role: UserRole): Promise<AdminUser> {
      await requireAdmin(actor);
      const user = await userByIdOrName(idOrUsername);
      checkChange(await store.setUserRole(user.id, role), 'demote');
      return toAdminUser(await userByIdOrName(user.id));
    },

    /** Sets a new password and signs out every device (whoever knew the old one is out). */
    async resetPassword(
      actor: AdminActor,
      idOrUsername: string,
      password: string,
    ): Promise<{ user: AdminUser; devicesRevoked: number }> {
      await requireAdmin(actor);
      const user = await userByIdOrName(idOrUsername);
      await store.setPasswordHash(user.id, await hash(password));
      const devicesRevoked = await revokeAllDevices(user.id, 'revoked');
      return { user: toAdminUser(user), devicesRevoked };
    },

    /**
     * Turns off someone's two-step sign-in (they lost their authenticator app and recovery codes):
     * they sign in with the password alone and may set it up again. False when it was off.
     */
    async resetTwoStep(actor: AdminActor, idOrUsername: string): Promise<boolean> {
      await requireAdmin(actor);
      const user = await userByIdOrName(idOrUsername);
      return store.disableTwoStep(user.id);
    },

    async revokeDevices(actor: AdminActor, idOrUsername: string): Promise<number> {
      await requireAdmin(actor);
      const user = await userByIdOrName(idOrUsername);
      return revokeAllDevices(user.id, 'revoked');
    },

    /** An account made by the operator, whatever `REGISTRATION` says. */
    async createUser(
      actor: AdminActor,
      input: { username: string; password: string; displayName?: string; admin?: boolean },
    ): Promise<AdminUser> {
      await requireAdmin(actor);
      try {
        const user = await store.registerUser(
          {
            id: randomUUID(),
            username: input.username,
            displayName: input.displayName ?? input.username,
            passwordHash: await hash(input.password),
            createdAt: now(),
            ...(input.admin === true ? { role: 'admin' as const } : {}),
          },
          { policy: 'free', at: now() },
        );
        return toAdminUser(user);
      } catch (error) {
        if (error instanceof UniqueViolation) {
          throw new ServiceError('conflict', `The username "${input.username}" is taken.`);
        }
        throw error;
      }
    },
  };
}
