import { createHash, randomInt } from 'node:crypto';
import { verify as verifyPassword } from '@node-rs/argon2';
import { generateSecret, generateURI, verify as verifyTotp } from 'otplib';
import {
  TWO_STEP_CODE_DIGITS,
  TWO_STEP_RECOVERY_CODES,
  type TwoStepRecoveryCodes,
  type TwoStepSetup,
  type TwoStepStatus,
} from '@chitchat/shared';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Store, TwoStepRecord, UserRecord } from '../store/types';
import { ServiceError, forbidden, unauthorized } from './errors';
import { consumeOrThrow, ensureNotExhausted } from './rate-limits';
import { hasPassword } from './passwords';

export interface TwoStepOptions {
  /** `TOTP_REQUIRED_FOR_ADMINS`: admins' powers wait until their two-step sign-in is on. */
  requiredForAdmins: boolean;
  /** The issuer shown in authenticator apps ("chitchat", or "chitchat (host)" with PUBLIC_URL). */
  issuer: string;
}

export type TwoStepService = ReturnType<typeof createTwoStepService>;

/** Letters and digits that cannot be mistaken for one another when read out or typed. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
/** 12 characters of 31: about 59 random bits each, shown as xxxx-xxxx-xxxx. */
const RECOVERY_CODE_LENGTH = 12;
/** Seconds of clock drift allowed either way: the codes of the steps before and after count. */
const TOTP_TOLERANCE_S = 30;

const SIX_DIGITS = new RegExp(`^\\d{${TWO_STEP_CODE_DIGITS}}$`);

const hashRecoveryCode = (code: string) =>
  createHash('sha256').update(code.toLowerCase().replaceAll('-', '')).digest('hex');

function newRecoveryCode(): string {
  let code = '';
  for (let i = 0; i < RECOVERY_CODE_LENGTH; i++) {
    code += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
  }
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

const WRONG_CODE =
  'That code is not right: type the current six-digit code from your authenticator app, or one of your recovery codes.';

/**
 * Two-step sign-in with TOTP (RFC 6238 via otplib; issue #18): opt-in per account, confirmed with a
 * first code, with single-use recovery codes stored hashed. A code is accepted once (its time step
 * must be later than the last one accepted), and wrong codes spend the account's own limit.
 */
export function createTwoStepService(deps: {
  store: Store;
  /** Wrong codes per account (`RATE_LIMIT_AUTH` per minute). */
  failures: RateLimiterAbstract;
  options: TwoStepOptions;
  now?: () => number;
}) {
  const { store, failures, options } = deps;
  const now = deps.now ?? Date.now;

  const inForce = (record: TwoStepRecord | null): record is TwoStepRecord =>
    record !== null && record.enabledAt !== null;

  /** The time step of `code` when it is a current TOTP code of `secret` (after `afterStep`). */
  async function totpStep(
    secret: string,
    code: string,
    afterStep: number | null,
  ): Promise<number | null> {
    if (!SIX_DIGITS.test(code)) return null;
    const result = await verifyTotp({
      secret,
      token: code,
      epoch: Math.floor(now() / 1000),
      epochTolerance: TOTP_TOLERANCE_S,
      ...(afterStep === null ? {} : { afterTimeStep: afterStep }),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  }

  /** True when `code` is a current TOTP code not used before, or an unused recovery code. */
  async function codeIsGood(record: TwoStepRecord, code: string): Promise<boolean> {
    if (SIX_DIGITS.test(code)) {
      const step = await totpStep(record.secret, code, record.lastStep);
      // The store takes the step only when it is later than the last: a replay loses the race.
      return step !== null && (await store.acceptTwoStepStep(record.userId, step));
    }
    return store.useRecoveryCode(record.userId, hashRecoveryCode(code), now());
  }

  /** Checks a code of an account with two-step on, spending the account's limit when wrong. */
  async function checkCode(
    record: TwoStepRecord,
    code: string,
    wrong: () => ServiceError,
  ): Promise<void> {
    await ensureNotExhausted(failures, record.userId);
    if (await codeIsGood(record, code)) return;
    await consumeOrThrow(failures, record.userId);
    throw wrong();
  }

  async function userOf(userId: string): Promise<UserRecord> {
    const user = await store.getUser(userId);
    if (user === null) throw unauthorized();
    return user;
  }

  /*
   * Accounts made by single sign-on never sign in with a password here, so a code asked after the
   * password would guard nothing: their provider's sign-in (and its own second step) protects
   * them, and TOTP_REQUIRED_FOR_ADMINS does not hold their admin powers back.
   */
  const mustStayOn = (user: UserRecord) =>
    options.requiredForAdmins && user.role === 'admin' && hasPassword(user);

  function freshRecoveryCodes(): { codes: string[]; hashes: string[] } {
    const codes = Array.from({ length: TWO_STEP_RECOVERY_CODES }, newRecoveryCode);
    return { codes, hashes: codes.map(hashRecoveryCode) };
  }

  return {
    async status(user: UserRecord): Promise<TwoStepStatus> {
      const record = await store.twoStepOf(user.id);
      const enabled = inForce(record);
      return {
        enabled,
        recoveryCodesLeft: enabled ? record.recoveryCodesLeft : 0,
        required: mustStayOn(user),
      };
    },

    /** Whether an admin may use their powers: always, unless the operator requires two-step. */
    async adminMayAct(user: UserRecord): Promise<boolean> {
      if (!options.requiredForAdmins || !hasPassword(user)) return true;
      return inForce(await store.twoStepOf(user.id));
    },

    /**
     * The second step of a login whose password was right: nothing when the account has no
     * two-step sign-in; `two_step_required` when no code came; `unauthorized` for a wrong one.
     */
    async checkLogin(user: UserRecord, code: string | undefined): Promise<void> {
      const record = await store.twoStepOf(user.id);
      if (!inForce(record)) return;
      if (code === undefined) {
        throw new ServiceError(
          'two_step_required',
          'This account uses two-step sign-in: enter the code from your authenticator app (or a recovery code).',
        );
      }
      await checkCode(record, code, () => unauthorized(WRONG_CODE));
    },

    /** A new secret for the authenticator app, not in force until `confirm`. */
    async begin(userId: string): Promise<TwoStepSetup> {
      const user = await userOf(userId);
      if (!hasPassword(user)) {
        throw forbidden(
          'This account signs in with single sign-on: your provider’s sign-in protects it (turn on its two-step check there). Two-step sign-in here is for password sign-ins.',
        );
      }
      const secret = generateSecret();
      if (!(await store.setPendingTwoStep(user.id, secret))) {
        throw new ServiceError(
          'conflict',
          'Two-step sign-in is already on; turn it off first to set up another app.',
        );
      }
      const uri = generateURI({ issuer: options.issuer, label: user.username, secret });
      return { secret, uri };
    },

    /** The first code from the app puts two-step sign-in in force; answers the recovery codes. */
    async confirm(userId: string, code: string): Promise<TwoStepRecoveryCodes> {
      const user = await userOf(userId);
      const record = await store.twoStepOf(user.id);
      if (record === null || record.enabledAt !== null) {
        throw new ServiceError(
          'conflict',
          record === null
            ? 'Start the set-up first: there is no new secret to confirm.'
            : 'Two-step sign-in is already on.',
        );
      }
      await ensureNotExhausted(failures, user.id);
      const step = await totpStep(record.secret, code, null);
      if (step === null) {
        await consumeOrThrow(failures, user.id);
        throw new ServiceError(
          'invalid_payload',
          'That code is not right: type the six-digit code your authenticator app shows now.',
        );
      }
      const { codes, hashes } = freshRecoveryCodes();
      const enabled = await store.enableTwoStep(user.id, {
        secret: record.secret,
        at: now(),
        step,
        recoveryCodeHashes: hashes,
      });
      if (!enabled) {
        throw new ServiceError('conflict', 'The set-up changed meanwhile; start it again.');
      }
      return { recoveryCodes: codes };
    },

    /** Turns two-step sign-in off: needs the password and a code, and is refused where required. */
    async disable(userId: string, password: string, code: string): Promise<void> {
      const user = await userOf(userId);
      if (mustStayOn(user)) {
        throw forbidden(
          'This server requires two-step sign-in for admins; it cannot be turned off while you are an admin.',
        );
      }
      const record = await store.twoStepOf(user.id);
      if (!inForce(record)) {
        // Drops an unconfirmed set-up, if any: nothing was in force.
        await store.disableTwoStep(user.id);
        return;
      }
      if (!hasPassword(user)) {
        throw forbidden(
          'This account signs in with single sign-on and has no password; ask an admin of this server to turn two-step sign-in off.',
        );
      }
      await ensureNotExhausted(failures, user.id);
      if (!(await verifyPassword(user.passwordHash, password))) {
        await consumeOrThrow(failures, user.id);
        throw new ServiceError('invalid_payload', 'Wrong password.');
      }
      await checkCode(record, code, () => new ServiceError('invalid_payload', WRONG_CODE));
      await store.disableTwoStep(user.id);
    },

    /** New recovery codes for a current code; the old ones stop working. */
    async newRecoveryCodes(userId: string, code: string): Promise<TwoStepRecoveryCodes> {
      const user = await userOf(userId);
      const record = await store.twoStepOf(user.id);
      if (!inForce(record)) throw new ServiceError('conflict', 'Two-step sign-in is off.');
      await checkCode(record, code, () => new ServiceError('invalid_payload', WRONG_CODE));
      const { codes, hashes } = freshRecoveryCodes();
      await store.replaceRecoveryCodes(user.id, hashes);
      return { recoveryCodes: codes };
    },

    /** The operator's way out for someone who lost both app and codes (`npm run admin`). */
    async reset(userId: string): Promise<boolean> {
      return store.disableTwoStep(userId);
    },
  };
}
