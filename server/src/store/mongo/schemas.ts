import { Schema, type Connection, type Model } from 'mongoose';
import { z } from 'zod';
import {
  EVENT_TYPES,
  type GroupAdds,
  type GroupAudience,
  type GroupPermissions,
  type KnownEventType,
  type LastSeenVisibility,
  type UserRole,
  USER_ROLES,
} from '@chitchat/shared';
import type { ConversationKind, MemberRole } from '@chitchat/shared';
import { isInteger, nullableInt, nullableString, options, requiredInt } from './schema-options';
import { indexProfiles, profileFieldDefinitions, type ProfileDocFields } from './profile-schemas';
import {
  accountStateModels,
  type AccountEntryDoc,
  type AccountOpDoc,
  type AccountVersionDoc,
} from './account-state-schemas';
import { adminModels, type InviteDoc } from './admin-schemas';
import { playModels, type VoicePlayDoc } from './play-schemas';
import { groupLinkModels, type InviteLinkDoc, type JoinRequestDoc } from './group-link-schemas';
import { twoStepModels, type TwoStepDoc } from './two-step-schemas';
import { ssoModels } from './sso-schemas';
import { pushModels, type PushSubscriptionDoc } from './push-schemas';
import {
  relationshipModels,
  type ContactDoc,
  type InvitationDoc,
  type RequestDismissalDoc,
} from './relationship-schemas';

export type { ContactDoc, InvitationDoc, RequestDismissalDoc } from './relationship-schemas';

/*
 * The MongoDB documents of the store, one collection each: users, blocks, devices, conversations,
 * memberships (with their periods), events and meta. Field names follow the records of
 * ../types.ts; ids chosen by the server are the documents' `_id`.
 *
 * Every index that carries a guarantee (DESIGN §3) is declared here and created by migration 1.
 * A unique index over a field that may be absent is always partial (`$type: 'string'`): MongoDB
 * indexes a missing field as null, so a plain compound unique key would let only one null through.
 */

export const MEMBER_ROLES = ['owner', 'admin', 'member'] as const satisfies readonly MemberRole[];
export const GROUP_AUDIENCES = ['everyone', 'admins'] as const satisfies readonly GroupAudience[];
export const CONVERSATION_KINDS = [
  'direct',
  'group',
] as const satisfies readonly ConversationKind[];
export const LAST_SEEN_VISIBILITIES = [
  'everyone',
  'contacts',
  'nobody',
] as const satisfies readonly LastSeenVisibility[];
export const GROUP_ADDS = ['everyone', 'contacts'] as const satisfies readonly GroupAdds[];

/** Meta documents: the store's identity and schema version, and the store-wide change counter. */
export const META_STORE_ID = 'store';
export const META_CHANGE_COUNTER_ID = 'change_counter';

export interface UserDoc extends ProfileDocFields {
  _id: string;
  username: string;
  /** `username` lower-cased: the unique key that makes usernames unique regardless of case. */
  usernameKey: string;
  displayName: string;
  passwordHash: string;
  createdAt: number;
  lastSeenVisibility: LastSeenVisibility;
  /** Absent on users written before migration 3 (read as 'everyone'). */
  groupAdds?: GroupAdds;
  /** Absent on users who never turned it off (read as true). */
  readReceipts?: boolean;
  /** Absent on users who never turned them off (read as true). */
  notificationPreviews?: boolean;
  /** Absent on users written before migration 6 (read as 'member'; migration 6 sets the oldest admin). */
  role?: UserRole;
  /** Absent or null while the account is enabled. */
  disabledAt?: number | null;
  /** Absent or null unless the person deleted the account (../deletion-types.ts). */
  deletedAt?: number | null;
  /**
   * Bumped by every device insert of this user, inside the transaction, so two concurrent logins
   * conflict (one retries) instead of both passing the active-device cap (write skew).
   */
  devicesVersion: number;
}

export interface BlockDoc {
  userId: string;
  blockedUserId: string;
  createdAt: number;
}

export interface DeviceDoc {
  _id: string;
  userId: string;
  name: string;
  platform: string;
  createdAt: number;
  lastSeenAt: number;
  refreshTokenHash: string;
  previousRefreshTokenHash: string | null;
  rotatedAt: number | null;
  revokedAt: number | null;
}

export interface ConversationDoc {
  _id: string;
  kind: ConversationKind;
  title: string | null;
  avatar: string | null;
  /** Groups (issue #15); absent on older documents and direct chats. */
  description?: string | null;
  /** Groups (issue #15); absent means DEFAULT_GROUP_PERMISSIONS. */
  permissions?: GroupPermissions | null;
  createdBy: string;
  createdAt: number;
  lastSeq: number;
  version: number;
  membersVersion: number;
  /** Direct chats only: the pair's ids in order, unique (absent on groups). */
  directKey?: string;
  groupDeliveredSeq: number;
  groupReadSeq: number;
}

export interface PeriodDoc {
  joinedSeq: number;
  leftSeq: number | null;
}

export interface MembershipDoc {
  conversationId: string;
  userId: string;
  role: MemberRole;
  muted: boolean;
  deliveredSeq: number;
  readSeq: number;
  receiptSeq: number;
  version: number;
  active: boolean;
  periods: PeriodDoc[];
  leftTitle: string | null;
  /** Order of first insertion within the conversation (breaks ties between members who joined together). */
  ordinal: number;
}

export interface EventDoc {
  /** The event id. */
  _id: string;
  conversationId: string;
  seq: number;
  type: KnownEventType;
  senderUserId: string;
  senderDeviceId: string | null;
  /** Messages only. */
  clientMsgId?: string;
  opId?: string;
  createdAt: number;
  payload: unknown;
  /** Messages only: their current state. */
  editedAt?: number | null;
  editVersion?: number;
  deletedAt?: number | null;
  /**
   * Messages only: the text it was sent with, kept from its first edit on (a former member sees
   * the message as it stood when they left); null again once deleted for everyone.
   */
  originalText?: string | null;
}

export interface MetaDoc {
  _id: string;
  epoch?: string;
  schemaVersion?: number;
  counter?: number;
}

export { nullableInt, nullableString, requiredInt } from './schema-options';

export const userSchema = new Schema<UserDoc>(
  {
    _id: { type: String, required: true },
    username: { type: String, required: true },
    usernameKey: {
      type: String,
      required: true,
      validate: {
        validator(this: UserDoc, key: string) {
          // On a query (update validators) `this` is not the document; only documents are checked.
          return typeof this.username !== 'string' || key === this.username.toLowerCase();
        },
        message: 'usernameKey must be the lower-cased username',
      },
    },
    displayName: { type: String, required: true },
    passwordHash: { type: String, required: true },
    createdAt: requiredInt(0),
    lastSeenVisibility: {
      type: String,
      required: true,
      enum: LAST_SEEN_VISIBILITIES,
      default: 'contacts',
    },
    groupAdds: { type: String, required: true, enum: GROUP_ADDS, default: 'everyone' },
    readReceipts: { type: Boolean },
    notificationPreviews: { type: Boolean },
    role: { type: String, required: true, enum: USER_ROLES, default: 'member' },
    disabledAt: nullableInt(0),
    deletedAt: nullableInt(0),
    devicesVersion: { ...requiredInt(0), default: 0 },
    ...profileFieldDefinitions,
  },
  options,
);
userSchema.index({ usernameKey: 1 }, { unique: true, name: 'username_key' });
indexProfiles(userSchema);

export const blockSchema = new Schema<BlockDoc>(
  {
    userId: { type: String, required: true },
    blockedUserId: {
      type: String,
      required: true,
      validate: {
        validator(this: BlockDoc, id: string) {
          return typeof this.userId !== 'string' || id !== this.userId;
        },
        message: 'a user cannot block themselves',
      },
    },
    createdAt: requiredInt(0),
  },
  options,
);
blockSchema.index({ userId: 1, blockedUserId: 1 }, { unique: true, name: 'block_pair' });
blockSchema.index({ blockedUserId: 1 }, { name: 'blocks_by_blocked' });

export const deviceSchema = new Schema<DeviceDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    name: { type: String, required: true },
    platform: { type: String, required: true },
    createdAt: requiredInt(0),
    lastSeenAt: requiredInt(0),
    refreshTokenHash: { type: String, required: true },
    previousRefreshTokenHash: nullableString,
    rotatedAt: nullableInt(0),
    revokedAt: nullableInt(0),
  },
  options,
);
deviceSchema.index({ userId: 1, revokedAt: 1 }, { name: 'devices_by_user' });

export const conversationSchema = new Schema<ConversationDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true, enum: CONVERSATION_KINDS },
    title: nullableString,
    avatar: nullableString,
    description: nullableString,
    permissions: {
      type: new Schema<GroupPermissions>(
        {
          send: { type: String, required: true, enum: GROUP_AUDIENCES },
          editInfo: { type: String, required: true, enum: GROUP_AUDIENCES },
          approveJoins: { type: Boolean, required: true },
        },
        { _id: false, strict: 'throw' },
      ),
      default: null,
    },
    createdBy: { type: String, required: true },
    createdAt: requiredInt(0),
    lastSeq: requiredInt(0),
    version: requiredInt(0),
    membersVersion: { ...requiredInt(1), default: 1 },
    directKey: {
      type: String,
      required(this: ConversationDoc) {
        return this.kind === 'direct';
      },
      validate: {
        validator(this: ConversationDoc, key: unknown) {
          return this.kind !== 'group' || key === undefined || key === null;
        },
        message: 'only direct conversations have a directKey',
      },
    },
    groupDeliveredSeq: { ...requiredInt(0), default: 0 },
    groupReadSeq: { ...requiredInt(0), default: 0 },
  },
  options,
);
// Group photos (issue #15): downloads and the media sweep look a group up by its photo.
conversationSchema.index({ avatar: 1 }, { name: 'conversations_by_avatar' });
conversationSchema.index(
  { directKey: 1 },
  {
    unique: true,
    name: 'direct_pair',
    partialFilterExpression: { directKey: { $type: 'string' } },
  },
);

const periodSchema = new Schema<PeriodDoc>(
  {
    joinedSeq: requiredInt(1),
    leftSeq: {
      ...nullableInt(1),
      validate: [
        isInteger,
        {
          validator(this: PeriodDoc, left: number | null) {
            return left === null || left >= this.joinedSeq;
          },
          message: 'a period cannot end before it starts',
        },
      ],
    },
  },
  { _id: false, versionKey: false, id: false, strict: 'throw' },
);

export const membershipSchema = new Schema<MembershipDoc>(
  {
    conversationId: { type: String, required: true },
    userId: { type: String, required: true },
    role: { type: String, required: true, enum: MEMBER_ROLES },
    muted: { type: Boolean, required: true, default: false },
    deliveredSeq: { ...requiredInt(0), default: 0 },
    readSeq: { ...requiredInt(0), default: 0 },
    receiptSeq: { ...requiredInt(0), default: 0 },
    version: requiredInt(0),
    active: { type: Boolean, required: true },
    periods: {
      type: [periodSchema],
      validate: {
        validator: (periods: PeriodDoc[]) => periods.length > 0,
        message: 'a membership has at least one period',
      },
    },
    leftTitle: nullableString,
    ordinal: requiredInt(0),
  },
  options,
);
membershipSchema.index({ conversationId: 1, userId: 1 }, { unique: true, name: 'membership' });
membershipSchema.index({ userId: 1, version: 1 }, { name: 'memberships_by_user' });

const seqSchema = z.number().int().min(1);
const attachmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  mime: z.string(),
  size: z.number().int().min(0),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
});
/** The payload of each event type, as the store writes it. */
export const eventPayloadSchemas = {
  message: z.object({
    text: z.string().nullable(),
    replyToSeq: seqSchema.nullable(),
    attachments: z.array(attachmentSchema),
    forwarded: z.literal(true).optional(),
    linkPreview: z
      .object({
        url: z.string(),
        title: z.string(),
        description: z.string().nullable(),
        image: attachmentSchema.nullable(),
      })
      .optional(),
    mentions: z.array(z.string()).min(1).optional(),
    voice: z
      .object({
        durationMs: z.number().int().min(1),
        waveform: z.array(z.number().int().min(0).max(255)),
      })
      .optional(),
    poll: z
      .object({
        question: z.string(),
        options: z.array(z.string()).min(2),
        multiple: z.boolean(),
      })
      .optional(),
  }),
  message_edited: z.object({
    targetSeq: seqSchema,
    text: z.string().nullable(),
    editVersion: z.number().int().min(1),
  }),
  message_deleted: z.object({ targetSeq: seqSchema }),
  member_added: z.object({
    userIds: z.array(z.string()).min(1),
    via: z.literal('link').optional(),
  }),
  member_removed: z.object({ userIds: z.array(z.string()).min(1), left: z.boolean() }),
  member_role: z.object({ userId: z.string(), role: z.enum(MEMBER_ROLES) }),
  conversation_renamed: z.object({ title: z.string() }),
  reaction: z.object({ targetSeq: seqSchema, emoji: z.string().min(1).nullable() }),
  pin: z.object({ targetSeq: seqSchema, pinned: z.boolean() }),
  poll_vote: z.object({ targetSeq: seqSchema, options: z.array(z.number().int().min(0)) }),
  description_changed: z.object({ description: z.string().nullable() }),
  avatar_changed: z.object({ avatar: z.string().nullable() }),
  group_settings: z.object({
    permissions: z.object({
      send: z.enum(GROUP_AUDIENCES),
      editInfo: z.enum(GROUP_AUDIENCES),
      approveJoins: z.boolean(),
    }),
  }),
} satisfies Record<KnownEventType, z.ZodType>;

const isMessage = function (this: EventDoc) {
  return this.type === 'message';
};

export const eventSchema = new Schema<EventDoc>(
  {
    _id: { type: String, required: true },
    conversationId: { type: String, required: true },
    seq: requiredInt(1),
    type: { type: String, required: true, enum: EVENT_TYPES },
    senderUserId: { type: String, required: true },
    senderDeviceId: nullableString,
    clientMsgId: { type: String, required: isMessage },
    opId: { type: String },
    createdAt: requiredInt(0),
    payload: {
      type: Schema.Types.Mixed,
      required: true,
      validate: {
        validator(this: EventDoc, payload: unknown) {
          // Only documents are checked: on a query `this.type` is not the event's type.
          const schema = eventPayloadSchemas[this.type] as z.ZodType | undefined;
          return schema === undefined || schema.safeParse(payload).success;
        },
        message: 'the payload does not fit the event type',
      },
    },
    editedAt: { type: Number, validate: isInteger },
    editVersion: { type: Number, min: 0, validate: isInteger, required: isMessage },
    deletedAt: { type: Number, validate: isInteger },
    originalText: { type: String },
  },
  options,
);
eventSchema.index({ conversationId: 1, seq: 1 }, { unique: true, name: 'event_seq' });
eventSchema.index(
  { senderUserId: 1, clientMsgId: 1 },
  {
    unique: true,
    name: 'event_client_msg_id',
    partialFilterExpression: { clientMsgId: { $type: 'string' } },
  },
);
eventSchema.index(
  { senderUserId: 1, opId: 1 },
  {
    unique: true,
    name: 'event_op_id',
    partialFilterExpression: { opId: { $type: 'string' } },
  },
);
// Finds the messages that attach a media id (media/mongo-index.ts authorizes downloads and finds
// unreferenced uploads by it). Partial: only messages carry attachments, and a deleted message has
// none, so it stops referencing its media. Queries must state `type: 'message'` to use it.
eventSchema.index(
  { 'payload.attachments.id': 1 },
  { name: 'event_attachments', partialFilterExpression: { type: 'message' } },
);
// Finds the messages whose link preview shows a media id: such an image is media of the message,
// readable and kept like an attachment. Partial like event_attachments; a delete removes the preview.
eventSchema.index(
  { 'payload.linkPreview.image.id': 1 },
  { name: 'event_preview_images', partialFilterExpression: { type: 'message' } },
);
// Finds the edits of a message when it is deleted, so their text goes too.
eventSchema.index(
  { conversationId: 1, 'payload.targetSeq': 1 },
  { name: 'event_edits', partialFilterExpression: { type: 'message_edited' } },
);

export const metaSchema = new Schema<MetaDoc>(
  {
    _id: { type: String, required: true, enum: [META_STORE_ID, META_CHANGE_COUNTER_ID] },
    epoch: {
      type: String,
      required(this: MetaDoc) {
        return this._id === META_STORE_ID;
      },
    },
    schemaVersion: {
      type: Number,
      min: 0,
      validate: isInteger,
      required(this: MetaDoc) {
        return this._id === META_STORE_ID;
      },
    },
    counter: {
      type: Number,
      min: 0,
      validate: isInteger,
      required(this: MetaDoc) {
        return this._id === META_CHANGE_COUNTER_ID;
      },
    },
  },
  options,
);

export type MongoModels = CoreModels & ReturnType<typeof ssoModels>;

interface CoreModels {
  User: Model<UserDoc>;
  Block: Model<BlockDoc>;
  Device: Model<DeviceDoc>;
  Conversation: Model<ConversationDoc>;
  Membership: Model<MembershipDoc>;
  Event: Model<EventDoc>;
  Meta: Model<MetaDoc>;
  Contact: Model<ContactDoc>;
  RequestDismissal: Model<RequestDismissalDoc>;
  Invitation: Model<InvitationDoc>;
  AccountVersion: Model<AccountVersionDoc>;
  AccountEntry: Model<AccountEntryDoc>;
  AccountOp: Model<AccountOpDoc>;
  Invite: Model<InviteDoc>;
  VoicePlay: Model<VoicePlayDoc>;
  InviteLink: Model<InviteLinkDoc>;
  JoinRequest: Model<JoinRequestDoc>;
  TwoStep: Model<TwoStepDoc>;
  PushSubscription: Model<PushSubscriptionDoc>;
}

/** Registers the store's models on `connection` (an unopened one is fine: validation needs no server). */
export function defineModels(connection: Connection): MongoModels {
  return {
    User: connection.model<UserDoc>('User', userSchema, 'users'),
    Block: connection.model<BlockDoc>('Block', blockSchema, 'blocks'),
    Device: connection.model<DeviceDoc>('Device', deviceSchema, 'devices'),
    Conversation: connection.model<ConversationDoc>(
      'Conversation',
      conversationSchema,
      'conversations',
    ),
    Membership: connection.model<MembershipDoc>('Membership', membershipSchema, 'memberships'),
    Event: connection.model<EventDoc>('Event', eventSchema, 'events'),
    Meta: connection.model<MetaDoc>('Meta', metaSchema, 'meta'),
    ...relationshipModels(connection),
    ...accountStateModels(connection),
    ...adminModels(connection),
    ...playModels(connection),
    ...groupLinkModels(connection),
    ...twoStepModels(connection),
    ...ssoModels(connection),
    ...pushModels(connection),
  };
}
