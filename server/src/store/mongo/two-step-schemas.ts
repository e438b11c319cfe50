import { Schema, type Connection } from 'mongoose';
import { nullableInt, options as documentOptions } from './schema-options';

/*
 * Two-step sign-in (TOTP, issue #18) in MongoDB: one document per account that set it up, keyed by
 * the user id, holding its recovery codes (SHA-256 hashes) so spending one is a single
 * conditional update. Mirrors SQLite migration 013.
 */

export interface RecoveryCodeDoc {
  hash: string;
  usedAt: number | null;
}

export interface TwoStepDoc {
  /** The user id. */
  _id: string;
  secret: string;
  enabledAt: number | null;
  lastStep: number | null;
  recoveryCodes: RecoveryCodeDoc[];
}

const recoveryCodeSchema = new Schema<RecoveryCodeDoc>(
  {
    hash: { type: String, required: true, match: /^[0-9a-f]{64}$/ },
    usedAt: nullableInt(0),
  },
  { _id: false, strict: 'throw' },
);

export const twoStepSchema = new Schema<TwoStepDoc>(
  {
    _id: { type: String, required: true },
    secret: { type: String, required: true, match: /^[A-Z2-7]+=*$/ },
    enabledAt: nullableInt(0),
    lastStep: nullableInt(0),
    recoveryCodes: { type: [recoveryCodeSchema], default: [] },
  },
  documentOptions,
);

export function twoStepModels(connection: Connection) {
  return { TwoStep: connection.model<TwoStepDoc>('TwoStep', twoStepSchema, 'two_step') };
}
