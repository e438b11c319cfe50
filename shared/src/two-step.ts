import { z } from 'zod';

/*
 * Two-step sign-in (TOTP, RFC 6238; issue #18): opt-in per account, with single-use recovery
 * codes. The wire names are documented in docs/protocol.md, "Two-step sign-in".
 */

/** Digits of a TOTP code (authenticator apps show six). */
export const TWO_STEP_CODE_DIGITS = 6;
/** Recovery codes handed out when two-step sign-in is turned on (each works once). */
export const TWO_STEP_RECOVERY_CODES = 10;
/** Longest code accepted: a TOTP code or a recovery code, with spaces or dashes as typed. */
export const TWO_STEP_CODE_MAX_LENGTH = 32;

/**
 * What a person types at the second step: a six-digit code from the authenticator app, or one of
 * the recovery codes. Spaces are dropped (apps show "123 456"); the server tells them apart.
 */
export const twoStepCodeSchema = z
  .string()
  .max(TWO_STEP_CODE_MAX_LENGTH * 2)
  .transform((s) => s.replace(/\s+/g, ''))
  .pipe(
    z
      .string()
      .min(TWO_STEP_CODE_DIGITS)
      .max(TWO_STEP_CODE_MAX_LENGTH)
      .regex(/^[A-Za-z0-9-]+$/, 'a two-step code holds only digits, letters and "-"'),
  );

/** `POST /api/me/two-step/confirm`: the first code from the app turns two-step sign-in on. */
export const twoStepConfirmBodySchema = z.object({ code: twoStepCodeSchema });
export type TwoStepConfirmBody = z.infer<typeof twoStepConfirmBodySchema>;

/**
 * `POST /api/me/two-step/disable`: the password and a current code (or a recovery code), so a
 * device left signed in cannot turn the protection off.
 */
export const twoStepDisableBodySchema = z.object({
  // Bounded like a login's password; checked against the stored hash, never by its shape.
  password: z.string().min(1).max(1024),
  code: twoStepCodeSchema,
});
export type TwoStepDisableBody = z.infer<typeof twoStepDisableBodySchema>;

/** `POST /api/me/two-step`: a new secret, not in force until confirmed with a code. */
export interface TwoStepSetup {
  /** Base32, for typing into an authenticator app by hand. */
  secret: string;
  /** `otpauth://totp/...`: what the QR code holds. */
  uri: string;
}

/** `POST /api/me/two-step/confirm` and `.../recovery-codes`: shown once, stored only hashed. */
export interface TwoStepRecoveryCodes {
  recoveryCodes: string[];
}

/** The two-step state of the signed-in account (`GET /api/me` `twoStep`). */
export interface TwoStepStatus {
  enabled: boolean;
  /** Recovery codes not used yet (0 when off). */
  recoveryCodesLeft: number;
  /**
   * The operator requires two-step sign-in for admins (`TOTP_REQUIRED_FOR_ADMINS`) and this
   * account is an admin: its admin powers wait until it is on, and it cannot be turned off.
   */
  required: boolean;
}
