import { randomBytes } from 'node:crypto';
import {
  INVITE_DEFAULT_TTL_HOURS,
  INVITE_DEFAULT_USES,
  inviteCreateBodySchema,
  passwordSchema,
  usernameSchema,
  type AdminUser,
  type Invite,
} from '@chitchat/shared';
import { OPERATOR, type AdminService } from '../services/admin';
import { ServiceError } from '../services/errors';

/** `npm run admin -- --help`. */
export const ADMIN_HELP = `Usage: npm run admin -- <command> [arguments]

Talks to the running server over DATA_DIR/admin.sock (so changes act at once: a disabled user's
sockets close), or works on the store directly when no server runs.

  users list
  users create <username> [--admin] [--password <password>]   (a password is generated if omitted)
  users disable <user>          signs out every device of the account at once
  users enable <user>
  users reset-password <user> [--password <password>]          (signs out every device)
  users make-admin <user>
  users remove-admin <user>
  users revoke-devices <user>
  users reset-two-step <user>   turns off two-step sign-in (lost authenticator app and codes)
  invites create [--uses <n>] [--hours <h>]                    (default ${INVITE_DEFAULT_USES} use, ${INVITE_DEFAULT_TTL_HOURS} hours)
  invites list
  invites revoke <code>
  backup <file>                 one archive of the whole store (safe while the server runs)
  restore <file> [--force]      into a stopped server's data; sets a new store epoch, so every
                                app resyncs (--force first moves the data already there aside)
  rotate-epoch                  a new store epoch (after restoring by other means); server stopped
  copy-store [--to <uri>] [--dry-run] [--force]
                                copies this embedded (SQLite) server's data and media into MongoDB
                                (--to, else MONGODB_URI) as it is, then sets a new store epoch;
                                server stopped. Run it again after an interruption: it resumes.
                                A non-empty database is refused unless --force; --dry-run checks
                                every row against the MongoDB schemas and writes nothing

<user> is a username or a user id. Exit status 0 on success, 1 on an error, 2 on bad usage.`;

/** A command line the operator got wrong: exit status 2 with the message and the help. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** What a command answers: text for people, and whether it succeeded. */
export interface CommandOutcome {
  ok: boolean;
  /** 0 success, 1 refused or failed, 2 bad usage. */
  exitCode: number;
  output: string;
}

const formatTime = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString());

const userLine = (u: AdminUser): string =>
  [
    u.username.padEnd(24),
    u.role.padEnd(7),
    u.disabledAt === null ? 'enabled ' : 'DISABLED',
    u.id,
  ].join('  ');

const inviteLines = (invite: Invite): string =>
  [
    `code     ${invite.code}`,
    ...(invite.link === undefined ? [] : [`link     ${invite.link}`]),
    `uses     ${invite.uses} of ${invite.maxUses}`,
    `expires  ${formatTime(invite.expiresAt)}`,
  ].join('\n');

/** Takes `--name value` out of `args`; the rest stay positional. */
function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  if (at === -1) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--'))
    throw new UsageError(`--${name} needs a value.`);
  args.splice(at, 2);
  return value;
}

function flag(args: string[], name: string): boolean {
  const at = args.indexOf(`--${name}`);
  if (at === -1) return false;
  args.splice(at, 1);
  return true;
}

function positiveInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number.`);
  return Number(value);
}

function oneArgument(args: string[], what: string): string {
  const [value, ...rest] = args;
  if (value === undefined) throw new UsageError(`Name the ${what}.`);
  if (rest.length > 0 || value.startsWith('--')) {
    throw new UsageError(`Unexpected argument: ${rest[0] ?? value}.`);
  }
  return value;
}

/** A password given with --password (checked like a registration's), or a generated one. */
function passwordFrom(args: string[]): { password: string; generated: boolean } {
  const given = option(args, 'password');
  if (given === undefined)
    return { password: randomBytes(12).toString('base64url'), generated: true };
  const parsed = passwordSchema.safeParse(given);
  if (!parsed.success)
    throw new UsageError(`Password: ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
  return { password: parsed.data, generated: false };
}

async function run(admin: AdminService, argv: readonly string[]): Promise<string> {
  const args = [...argv];
  const [group, action] = [args.shift(), args.shift()];
  const op = OPERATOR;
  if (group === 'users') {
    switch (action) {
      case 'list': {
        const users = await admin.listUsers(op);
        if (users.length === 0) return 'No users yet.';
        return [`${'username'.padEnd(24)}  role     state     id`, ...users.map(userLine)].join(
          '\n',
        );
      }
      case 'create': {
        const makeAdmin = flag(args, 'admin');
        const { password, generated } = passwordFrom(args);
        const username = usernameSchema.safeParse(oneArgument(args, 'username'));
        if (!username.success) {
          throw new UsageError(`Username: ${username.error.issues[0]?.message ?? 'invalid'}.`);
        }
        const user = await admin.createUser(op, {
          username: username.data,
          password,
          admin: makeAdmin,
        });
        return [
          `Created ${user.username} (${user.role}, id ${user.id}).`,
          ...(generated ? [`Password: ${password}`] : []),
        ].join('\n');
      }
      case 'disable': {
        const user = await admin.disableUser(op, oneArgument(args, 'user'));
        return `Disabled ${user.username}; every device of it is signed out.`;
      }
      case 'enable': {
        const user = await admin.enableUser(op, oneArgument(args, 'user'));
        return `Enabled ${user.username}; they can sign in again.`;
      }
      case 'reset-password': {
        const { password, generated } = passwordFrom(args);
        const result = await admin.resetPassword(op, oneArgument(args, 'user'), password);
        return [
          `New password set for ${result.user.username}; ${result.devicesRevoked} device(s) signed out.`,
          ...(generated ? [`Password: ${password}`] : []),
        ].join('\n');
      }
      case 'make-admin':
      case 'remove-admin': {
        const role = action === 'make-admin' ? 'admin' : 'member';
        const user = await admin.setRole(op, oneArgument(args, 'user'), role);
        return `${user.username} is now ${user.role === 'admin' ? 'an admin' : 'a member'}.`;
      }
      case 'revoke-devices': {
        const count = await admin.revokeDevices(op, oneArgument(args, 'user'));
        return `Signed out ${count} device(s).`;
      }
      case 'reset-two-step': {
        const user = oneArgument(args, 'user');
        return (await admin.resetTwoStep(op, user))
          ? `Two-step sign-in turned off for ${user}; they sign in with their password and can set it up again.`
          : `${user} had no two-step sign-in; nothing changed.`;
      }
    }
  }
  if (group === 'invites') {
    switch (action) {
      case 'create': {
        const maxUses = positiveInt(option(args, 'uses'), 'uses');
        const expiresInHours = positiveInt(option(args, 'hours'), 'hours');
        if (args.length > 0) throw new UsageError(`Unexpected argument: ${args[0]}.`);
        const body = inviteCreateBodySchema.safeParse({ maxUses, expiresInHours });
        if (!body.success) {
          const issue = body.error.issues[0];
          throw new UsageError(
            `--${issue?.path[0] === 'maxUses' ? 'uses' : 'hours'}: ${issue?.message ?? 'invalid'}.`,
          );
        }
        const invite = await admin.createInvite(op, body.data);
        return inviteLines(invite);
      }
      case 'list': {
        const invites = await admin.listInvites(op);
        return invites.length === 0 ? 'No invites.' : invites.map(inviteLines).join('\n\n');
      }
      case 'revoke': {
        const code = oneArgument(args, 'invite code');
        await admin.revokeInvite(op, code);
        return `Revoked ${code}.`;
      }
    }
  }
  throw new UsageError(
    group === undefined
      ? 'Name a command.'
      : `Unknown command: ${[group, action].join(' ').trim()}.`,
  );
}

/**
 * Runs one admin command as the operator. Refusals (an unknown user, the last admin) are exit
 * status 1 with the reason; bad usage is 2 with the help.
 */
export async function runAdminCommand(
  admin: AdminService,
  argv: readonly string[],
): Promise<CommandOutcome> {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    return { ok: argv.length > 0, exitCode: argv.length > 0 ? 0 : 2, output: ADMIN_HELP };
  }
  try {
    return { ok: true, exitCode: 0, output: await run(admin, argv) };
  } catch (error) {
    if (error instanceof UsageError) {
      return { ok: false, exitCode: 2, output: `${error.message}\n\n${ADMIN_HELP}` };
    }
    if (error instanceof ServiceError) {
      return { ok: false, exitCode: 1, output: `Error: ${error.message}` };
    }
    throw error;
  }
}
