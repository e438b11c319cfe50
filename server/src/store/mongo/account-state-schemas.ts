import { Schema, type Connection } from 'mongoose';
import { ACCOUNT_KEY_MAX_LENGTH, ACCOUNT_VALUE_MAX_BYTES } from '@chitchat/shared';
import { options as documentOptions, requiredInt } from './schema-options';

/*
 * The account state (DESIGN §3) in MongoDB: the user's version, one document per entry, and the
 * opIds of applied writes. Mirrors migration 008 of the SQLite store.
 */

/** A user's account-state version (`_id` is the user id). */
export interface AccountVersionDoc {
  _id: string;
  version: number;
}

/** One entry; `value` is JSON text, null once removed (a tombstone). */
export interface AccountEntryDoc {
  userId: string;
  key: string;
  value: string | null;
  version: number;
  updatedAt: number;
}

/** An applied `account:set` with an opId, and the version it answered. */
export interface AccountOpDoc {
  userId: string;
  opId: string;
  version: number;
}

export const accountVersionSchema = new Schema<AccountVersionDoc>(
  { _id: { type: String, required: true }, version: requiredInt(0) },
  documentOptions,
);

export const accountEntrySchema = new Schema<AccountEntryDoc>(
  {
    userId: { type: String, required: true },
    key: { type: String, required: true, maxlength: ACCOUNT_KEY_MAX_LENGTH },
    value: {
      type: String,
      default: null,
      // The schema's bound is the wire's (JSON text of at most ACCOUNT_VALUE_MAX_BYTES characters).
      maxlength: ACCOUNT_VALUE_MAX_BYTES,
    },
    version: requiredInt(1),
    updatedAt: requiredInt(0),
  },
  documentOptions,
);
accountEntrySchema.index({ userId: 1, key: 1 }, { unique: true, name: 'account_entry_key' });
accountEntrySchema.index(
  { userId: 1, version: 1 },
  { unique: true, name: 'account_entries_by_version' },
);

export const accountOpSchema = new Schema<AccountOpDoc>(
  {
    userId: { type: String, required: true },
    opId: { type: String, required: true },
    version: requiredInt(0),
  },
  documentOptions,
);
accountOpSchema.index({ userId: 1, opId: 1 }, { unique: true, name: 'account_op' });

export function accountStateModels(connection: Connection) {
  return {
    AccountVersion: connection.model<AccountVersionDoc>(
      'AccountVersion',
      accountVersionSchema,
      'account_versions',
    ),
    AccountEntry: connection.model<AccountEntryDoc>(
      'AccountEntry',
      accountEntrySchema,
      'account_entries',
    ),
    AccountOp: connection.model<AccountOpDoc>('AccountOp', accountOpSchema, 'account_ops'),
  };
}
