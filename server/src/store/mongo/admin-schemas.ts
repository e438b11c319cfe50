import { Schema, type Connection } from 'mongoose';
import { nullableInt, options, requiredInt } from './schema-options';

/*
 * Invite codes (DESIGN §4 REGISTRATION), and the fields admins set on users. A code is the
 * document's `_id`; a use is consumed by a conditional `$inc` in the transaction that creates the
 * account, so two registrations racing for the last use cannot both pass.
 */

/** Written (`$inc`) by every registration and admin change, so concurrent ones conflict and one retries. */
export const META_ACCOUNTS_ID = 'accounts';

export interface InviteDoc {
  _id: string;
  createdBy: string | null;
  createdAt: number;
  expiresAt: number;
  maxUses: number;
  uses: number;
  revokedAt: number | null;
}

export const inviteSchema = new Schema<InviteDoc>(
  {
    _id: { type: String, required: true },
    createdBy: { type: String, default: null },
    createdAt: requiredInt(0),
    expiresAt: requiredInt(0),
    maxUses: requiredInt(1),
    uses: {
      ...requiredInt(0),
      default: 0,
      validate: {
        validator(this: InviteDoc, uses: unknown) {
          // On a query (update validators) `this` is not the document; only documents are checked.
          return (
            typeof uses === 'number' &&
            Number.isInteger(uses) &&
            (typeof this.maxUses !== 'number' || uses <= this.maxUses)
          );
        },
        message: 'uses must be an integer no greater than maxUses',
      },
    },
    revokedAt: nullableInt(0),
  },
  options,
);
inviteSchema.index({ revokedAt: 1, createdAt: -1 }, { name: 'invites_by_state' });

export function adminModels(connection: Connection) {
  return { Invite: connection.model<InviteDoc>('Invite', inviteSchema, 'invites') };
}
