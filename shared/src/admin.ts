import { z } from 'zod';
import { idSchema } from './schemas';
import { INVITE_CODE_MAX_LENGTH, INVITE_MAX_TTL_HOURS, INVITE_MAX_USES } from './limits';
import type { PublicUser } from './model';

/** Server-wide role (DESIGN §3): the first account on an empty server is `admin`. */
export const USER_ROLES = ['admin', 'member'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** `REGISTRATION` (DESIGN §4): who may create an account through `POST /api/auth/register`. */
export const REGISTRATION_MODES = ['invite', 'open', 'closed'] as const;
export type RegistrationMode = (typeof REGISTRATION_MODES)[number];

/** An invite code as presented (register, revoke): opaque, printable, bounded. */
export const inviteCodeSchema = z
  .string()
  .trim()
  .min(1)
  .max(INVITE_CODE_MAX_LENGTH)
  .regex(/^[A-Za-z0-9_-]+$/, 'an invite code holds only letters, digits, "-" and "_"');

/** `POST /api/invites`. */
export const inviteCreateBodySchema = z.object({
  maxUses: z.number().int().min(1).max(INVITE_MAX_USES).optional(),
  expiresInHours: z.number().int().min(1).max(INVITE_MAX_TTL_HOURS).optional(),
});
export type InviteCreateBody = z.infer<typeof inviteCreateBodySchema>;

/** `DELETE /api/invites/:code`. */
export const inviteCodeParamsSchema = z.object({ code: inviteCodeSchema });

/** `PATCH /api/admin/users/:id`. */
export const adminUserParamsSchema = z.object({ id: idSchema });

/**
 * `PATCH /api/admin/users/:id`: `disabled: true` disables the account and signs out every device
 * of it at once; `false` enables it again (its owner signs in anew).
 */
export const adminUserPatchSchema = z
  .object({ role: z.enum(USER_ROLES).optional(), disabled: z.boolean().optional() })
  .refine(
    (b) => b.role !== undefined || b.disabled !== undefined,
    'name a change: role or disabled',
  );
export type AdminUserPatch = z.infer<typeof adminUserPatchSchema>;

/** An invite as admins see it (`/api/invites`). */
export interface Invite {
  code: string;
  /** The admin who made it; null when the operator did (`npm run admin`). */
  createdBy: string | null;
  createdAt: number;
  expiresAt: number;
  maxUses: number;
  uses: number;
  /** `${PUBLIC_URL}/invite/<code>` when the server knows its public address (`PUBLIC_URL`). */
  link?: string;
}

/** How the server is run, as admins see it (`GET /api/admin/server`). */
export interface AdminServerInfo {
  /** `REGISTRATION`. */
  registration: RegistrationMode;
  /** `PUBLIC_URL`, or null when unset (invites then carry no link). */
  publicUrl: string | null;
  /** `TOTP_REQUIRED_FOR_ADMINS`. */
  twoStepRequiredForAdmins: boolean;
}

/** A user as admins see it (`GET /api/admin/users`). */
export interface AdminUser extends PublicUser {
  role: UserRole;
  createdAt: number;
  disabledAt: number | null;
}

/**
 * The invite code in what a person pasted: a bare code, or an invite link
 * (`https://chat.example.org/invite/<code>`, with or without a trailing slash, query or fragment).
 * Null when neither is recognisable.
 */
export function inviteCodeFromInput(input: string): string | null {
  const text = input.trim();
  if (text === '') return null;
  const fromLink = /\/invite\/([A-Za-z0-9_-]+)\/?(?:[?#].*)?$/.exec(text);
  const candidate = fromLink ? fromLink[1] : text;
  return candidate !== undefined && inviteCodeSchema.safeParse(candidate).success
    ? candidate
    : null;
}
