import type { Model } from 'mongoose';
import { z } from 'zod';
import { DEFAULT_GROUP_PERMISSIONS, groupPermissionsChangeSchema } from '@chitchat/shared';
import type { MediaDoc } from '../../media/mongo-index';
import type { SqliteDatabase } from '../../store/sqlite/database';
import type { MongoModels } from '../../store/mongo/schemas';
import { CopyStoreError, type RowReader } from './rows';

/*
 * What `copy-store` copies: every table of the embedded SQLite store (server/src/store/sqlite/
 * migrations) and the MongoDB collection its rows become (server/src/store/mongo/*-schemas.ts),
 * field by field, ids, seqs and versions as they are (DESIGN §9). The tables the Mongo store has
 * no counterpart for are in SKIPPED_TABLES, each with the reason; tables.test.ts fails when a
 * migration adds a table that is in neither list.
 */

/** The store's models and the media index's: every collection a copy writes. */
export type TargetModels = MongoModels & { Media: Model<MediaDoc> };
export type TargetName = keyof TargetModels;

/** One document for MongoDB, in the shape the Mongo store writes. */
export type Doc = Record<string, unknown>;

export interface TableCopy {
  /** The SQLite table. */
  table: string;
  /** The model whose collection receives the documents (and whose schema validates them). */
  target: TargetName;
  /** The table's primary key: rows are read in its order, a batch at a time, after the last key. */
  key: readonly string[];
  /** Computed columns read beside the row's own. */
  extraColumns?: string;
  toDoc(row: RowReader, source: SqliteDatabase): Doc;
  /** The document's unique key: a second run replaces the document it finds by it, never adds one. */
  identity: readonly string[];
  /**
   * Fields the Mongo store itself writes outside its schema on some documents (a deleted account
   * is blanked by an update, not a validated save); left out of validation on those documents only.
   */
  unvalidated?(doc: Doc): string[];
}

/** SQLite tables not copied as a collection of their own, and where their rows go instead. */
export const SKIPPED_TABLES: Readonly<Record<string, string>> = {
  two_step_recovery_codes: 'copied inside the two_step documents (recoveryCodes)',
  meta: 'the MongoDB store has its own identity; a copy gets a new store epoch, so apps resync',
  media_refs:
    'an index of the messages that attach media: the Mongo media index asks the events themselves',
};

const withoutNull = (field: string, value: unknown): Doc =>
  value === null ? {} : { [field]: value };

function permissionsOf(row: RowReader, where: string): Doc['permissions'] {
  const stored = row.jsonOrNull('permissions');
  if (stored === null) return null;
  const parsed = groupPermissionsChangeSchema.safeParse(stored);
  if (!parsed.success) {
    throw new CopyStoreError(`conversations row ${where}: permissions are not group permissions.`);
  }
  // Stored as changed (a partial object reads over the defaults); MongoDB keeps them whole.
  return { ...DEFAULT_GROUP_PERMISSIONS, ...parsed.data };
}

/** `[joinedSeq, leftSeq | null]` pairs, oldest first (SQLite migration 002). */
const storedPeriodsSchema = z
  .array(z.tuple([z.number().int().min(1), z.number().int().min(1).nullable()]))
  .min(1);

function periodsOf(row: RowReader, where: string): Doc['periods'] {
  const parsed = storedPeriodsSchema.safeParse(row.json('periods'));
  if (!parsed.success) {
    throw new CopyStoreError(
      `memberships row ${where}: periods are not [joinedSeq, leftSeq] pairs.`,
    );
  }
  return parsed.data.map(([joinedSeq, leftSeq]) => ({ joinedSeq, leftSeq }));
}

export const TABLES: readonly TableCopy[] = [
  {
    table: 'users',
    target: 'User',
    key: ['id'],
    identity: ['_id'],
    toDoc: (r) => ({
      _id: r.text('id'),
      username: r.text('username'),
      usernameKey: r.text('username_key'),
      displayName: r.text('display_name'),
      passwordHash: r.text('password_hash'),
      createdAt: r.int('created_at'),
      lastSeenVisibility: r.text('last_seen_visibility'),
      groupAdds: r.text('group_adds'),
      readReceipts: r.flag('read_receipts'),
      notificationPreviews: r.flag('notification_previews'),
      role: r.text('role'),
      disabledAt: r.intOrNull('disabled_at'),
      deletedAt: r.intOrNull('deleted_at'),
      // Only a conflict marker for concurrent logins (schemas.ts): any start value does.
      devicesVersion: 0,
      photo: r.textOrNull('photo'),
      about: r.text('about'),
      photoVisibility: r.text('photo_visibility'),
      aboutVisibility: r.text('about_visibility'),
    }),
    // A deleted account is a tombstone in both stores: no name, no password, and once its username
    // is released a key `deleted:<id>` (store/mongo/deletion.ts and accounts.ts write these).
    unvalidated: (doc) =>
      doc.deletedAt === null ? [] : ['displayName', 'passwordHash', 'usernameKey'],
  },
  {
    table: 'blocks',
    target: 'Block',
    key: ['user_id', 'blocked_user_id'],
    identity: ['userId', 'blockedUserId'],
    toDoc: (r) => ({
      userId: r.text('user_id'),
      blockedUserId: r.text('blocked_user_id'),
      createdAt: r.int('created_at'),
    }),
  },
  {
    table: 'devices',
    target: 'Device',
    key: ['id'],
    identity: ['_id'],
    toDoc: (r) => ({
      _id: r.text('id'),
      userId: r.text('user_id'),
      name: r.text('name'),
      platform: r.text('platform'),
      createdAt: r.int('created_at'),
      lastSeenAt: r.int('last_seen_at'),
      refreshTokenHash: r.text('refresh_token_hash'),
      previousRefreshTokenHash: r.textOrNull('previous_refresh_token_hash'),
      rotatedAt: r.intOrNull('rotated_at'),
      revokedAt: r.intOrNull('revoked_at'),
    }),
  },
  {
    table: 'conversations',
    target: 'Conversation',
    key: ['id'],
    identity: ['_id'],
    toDoc: (r) => ({
      _id: r.text('id'),
      kind: r.text('kind'),
      title: r.textOrNull('title'),
      avatar: r.textOrNull('avatar'),
      description: r.textOrNull('description'),
      permissions: permissionsOf(r, r.text('id')),
      createdBy: r.text('created_by'),
      createdAt: r.int('created_at'),
      lastSeq: r.int('last_seq'),
      version: r.int('version'),
      membersVersion: r.int('members_version'),
      ...withoutNull('directKey', r.textOrNull('direct_key')),
      groupDeliveredSeq: r.int('group_delivered_seq'),
      groupReadSeq: r.int('group_read_seq'),
    }),
  },
  {
    table: 'memberships',
    target: 'Membership',
    key: ['conversation_id', 'user_id'],
    // Both stores list members who joined together in insertion order: SQLite by rowid, MongoDB by
    // an ordinal counted at insertion (store/mongo/member-writes.ts).
    extraColumns: `(SELECT COUNT(*) FROM memberships earlier
        WHERE earlier.conversation_id = memberships.conversation_id
          AND earlier.rowid < memberships.rowid) AS ordinal`,
    identity: ['conversationId', 'userId'],
    toDoc: (r) => ({
      conversationId: r.text('conversation_id'),
      userId: r.text('user_id'),
      role: r.text('role'),
      muted: r.flag('muted'),
      deliveredSeq: r.int('delivered_seq'),
      readSeq: r.int('read_seq'),
      receiptSeq: r.int('receipt_seq'),
      version: r.int('version'),
      active: r.flag('active'),
      periods: periodsOf(r, `${r.text('conversation_id')}/${r.text('user_id')}`),
      leftTitle: r.textOrNull('left_title'),
      ordinal: r.int('ordinal'),
    }),
  },
  {
    table: 'events',
    target: 'Event',
    key: ['conversation_id', 'seq'],
    identity: ['_id'],
    toDoc(r) {
      const type = r.text('type');
      return {
        _id: r.text('id'),
        conversationId: r.text('conversation_id'),
        seq: r.int('seq'),
        type,
        senderUserId: r.text('sender_user_id'),
        senderDeviceId: r.textOrNull('sender_device_id'),
        ...withoutNull('clientMsgId', r.textOrNull('client_msg_id')),
        ...withoutNull('opId', r.textOrNull('op_id')),
        createdAt: r.int('created_at'),
        // As stored: a message's current state (edited text; emptied when deleted for everyone).
        payload: r.json('payload'),
        // Messages carry their state (store/mongo/log-writes.ts); other events have none.
        ...(type === 'message'
          ? {
              editedAt: r.intOrNull('edited_at'),
              editVersion: r.int('edit_version'),
              deletedAt: r.intOrNull('deleted_at'),
              ...withoutNull('originalText', r.textOrNull('original_text')),
            }
          : {}),
      };
    },
  },
  {
    table: 'media',
    target: 'Media',
    key: ['id'],
    identity: ['_id'],
    toDoc: (r) => ({
      _id: r.text('id'),
      uploaderUserId: r.text('uploader_user_id'),
      name: r.text('name'),
      mime: r.text('mime'),
      size: r.int('size'),
      sha256: r.text('sha256'),
      width: r.intOrNull('width'),
      height: r.intOrNull('height'),
      storageKey: r.text('storage_key'),
      thumbnailKey: r.textOrNull('thumbnail_key'),
      createdAt: r.int('created_at'),
    }),
  },
  {
    table: 'contacts',
    target: 'Contact',
    key: ['user_id', 'contact_id'],
    identity: ['userId', 'contactId'],
    toDoc: (r) => ({
      userId: r.text('user_id'),
      contactId: r.text('contact_id'),
      createdAt: r.int('created_at'),
    }),
  },
  {
    table: 'request_dismissals',
    target: 'RequestDismissal',
    key: ['user_id', 'conversation_id'],
    identity: ['userId', 'conversationId'],
    toDoc: (r) => ({
      userId: r.text('user_id'),
      conversationId: r.text('conversation_id'),
      upToSeq: r.int('up_to_seq'),
    }),
  },
  {
    table: 'group_invitations',
    target: 'Invitation',
    key: ['conversation_id', 'user_id'],
    identity: ['conversationId', 'userId'],
    toDoc: (r) => ({
      conversationId: r.text('conversation_id'),
      userId: r.text('user_id'),
      inviterId: r.text('inviter_id'),
      createdAt: r.int('created_at'),
    }),
  },
  {
    table: 'account_versions',
    target: 'AccountVersion',
    key: ['user_id'],
    identity: ['_id'],
    toDoc: (r) => ({ _id: r.text('user_id'), version: r.int('version') }),
  },
  {
    table: 'account_entries',
    target: 'AccountEntry',
    key: ['user_id', 'key'],
    identity: ['userId', 'key'],
    toDoc: (r) => ({
      userId: r.text('user_id'),
      key: r.text('key'),
      value: r.textOrNull('value'),
      version: r.int('version'),
      updatedAt: r.int('updated_at'),
    }),
  },
  {
    table: 'account_ops',
    target: 'AccountOp',
    key: ['user_id', 'op_id'],
    identity: ['userId', 'opId'],
    toDoc: (r) => ({ userId: r.text('user_id'), opId: r.text('op_id'), version: r.int('version') }),
  },
  {
    table: 'invites',
    target: 'Invite',
    key: ['code'],
    identity: ['_id'],
    toDoc: (r) => ({
      _id: r.text('code'),
      createdBy: r.textOrNull('created_by'),
      createdAt: r.int('created_at'),
      expiresAt: r.int('expires_at'),
      maxUses: r.int('max_uses'),
      uses: r.int('uses'),
      revokedAt: r.intOrNull('revoked_at'),
    }),
  },
  {
    table: 'voice_plays',
    target: 'VoicePlay',
    key: ['conversation_id', 'seq', 'user_id'],
    identity: ['conversationId', 'seq', 'userId'],
    toDoc: (r) => ({
      conversationId: r.text('conversation_id'),
      seq: r.int('seq'),
      userId: r.text('user_id'),
      playedAt: r.int('played_at'),
    }),
  },
  {
    table: 'two_step',
    target: 'TwoStep',
    key: ['user_id'],
    identity: ['_id'],
    // The recovery codes are a table of their own in SQLite and an array of the document here.
    toDoc(r, source) {
      const userId = r.text('user_id');
      const codes = source
        .prepare<[string], { code_hash: unknown; used_at: unknown }>(
          'SELECT code_hash, used_at FROM two_step_recovery_codes WHERE user_id = ? ORDER BY code_hash',
        )
        .all(userId);
      return {
        _id: userId,
        secret: r.text('secret'),
        enabledAt: r.intOrNull('enabled_at'),
        lastStep: r.intOrNull('last_step'),
        recoveryCodes: codes.map((code) => ({ hash: code.code_hash, usedAt: code.used_at })),
      };
    },
  },
  {
    table: 'sso_identities',
    target: 'SsoIdentity',
    key: ['issuer', 'subject'],
    identity: ['issuer', 'subject'],
    toDoc: (r) => ({
      issuer: r.text('issuer'),
      subject: r.text('subject'),
      userId: r.text('user_id'),
      createdAt: r.int('created_at'),
    }),
  },
  {
    table: 'sso_codes',
    target: 'SsoCode',
    key: ['code_hash'],
    identity: ['_id'],
    toDoc: (r) => ({
      _id: r.text('code_hash'),
      userId: r.text('user_id'),
      client: r.text('client'),
      challenge: r.text('challenge'),
      expiresAt: r.int('expires_at'),
      expireAt: new Date(r.int('expires_at')),
    }),
  },
  {
    table: 'sso_device_sign_ins',
    target: 'SsoDeviceSignIn',
    key: ['device_id'],
    identity: ['_id'],
    toDoc: (r) => ({ _id: r.text('device_id'), at: r.int('at') }),
  },
  {
    table: 'push_subscriptions',
    target: 'PushSubscription',
    key: ['device_id'],
    identity: ['_id'],
    toDoc: (r) => ({
      _id: r.text('device_id'),
      userId: r.text('user_id'),
      endpoint: r.text('endpoint'),
      p256dh: r.text('p256dh'),
      auth: r.text('auth'),
      createdAt: r.int('created_at'),
    }),
  },
  {
    table: 'invite_links',
    target: 'InviteLink',
    key: ['code'],
    identity: ['_id'],
    toDoc: (r) => ({
      _id: r.text('code'),
      conversationId: r.text('conversation_id'),
      createdBy: r.text('created_by'),
      createdAt: r.int('created_at'),
      expiresAt: r.intOrNull('expires_at'),
      revokedAt: r.intOrNull('revoked_at'),
      ...withoutNull('opId', r.textOrNull('op_id')),
    }),
  },
  {
    table: 'join_requests',
    target: 'JoinRequest',
    key: ['conversation_id', 'user_id'],
    identity: ['conversationId', 'userId'],
    toDoc: (r) => ({
      conversationId: r.text('conversation_id'),
      userId: r.text('user_id'),
      code: r.text('code'),
      createdAt: r.int('created_at'),
    }),
  },
];
