import { Schema, type Connection } from 'mongoose';
import { nullableInt, options as documentOptions, requiredInt } from './schema-options';

/*
 * Invite links and join requests of groups (issue #15) in MongoDB; mirrors SQLite migration 018.
 * A link's code is its `_id`.
 */

export interface InviteLinkDoc {
  _id: string;
  conversationId: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  /** Absent when the creator gave none (a partial unique index skips it). */
  opId?: string;
}

export interface JoinRequestDoc {
  conversationId: string;
  userId: string;
  code: string;
  createdAt: number;
}

export const inviteLinkSchema = new Schema<InviteLinkDoc>(
  {
    _id: { type: String, required: true },
    conversationId: { type: String, required: true },
    createdBy: { type: String, required: true },
    createdAt: requiredInt(0),
    expiresAt: nullableInt(0),
    revokedAt: nullableInt(0),
    opId: { type: String },
  },
  documentOptions,
);
inviteLinkSchema.index(
  { conversationId: 1, createdAt: -1 },
  { name: 'invite_links_by_conversation' },
);
inviteLinkSchema.index(
  { createdBy: 1, opId: 1 },
  {
    unique: true,
    name: 'invite_links_op_id',
    partialFilterExpression: { opId: { $type: 'string' } },
  },
);

export const joinRequestSchema = new Schema<JoinRequestDoc>(
  {
    conversationId: { type: String, required: true },
    userId: { type: String, required: true },
    code: { type: String, required: true },
    createdAt: requiredInt(0),
  },
  documentOptions,
);
joinRequestSchema.index({ conversationId: 1, userId: 1 }, { unique: true, name: 'join_request' });

export function groupLinkModels(connection: Connection) {
  return {
    InviteLink: connection.model<InviteLinkDoc>('InviteLink', inviteLinkSchema, 'invite_links'),
    JoinRequest: connection.model<JoinRequestDoc>(
      'JoinRequest',
      joinRequestSchema,
      'join_requests',
    ),
  };
}
