import { DEFAULT_GROUP_PERMISSIONS } from '@chitchat/shared';
import type {
  ConversationRecord,
  DeviceRecord,
  EventRecord,
  MembershipRecord,
  Period,
  UserRecord,
} from '../types';
import type { ConversationDoc, DeviceDoc, EventDoc, MembershipDoc, UserDoc } from './schemas';

/*
 * Documents -> the store's records, the same shapes the SQLite store returns (the contract suite
 * compares answers with `toEqual`, so nothing extra may leak, such as `_id` or `devicesVersion`).
 */

export const usernameKey = (username: string): string => username.toLowerCase();

/** The unique key of a direct chat: the pair's ids in order, so either member finds it. */
export const directKey = (a: string, b: string): string => (a < b ? `${a}:${b}` : `${b}:${a}`);

/** A regex matching usernames (keys) that start with `prefix`, literally. */
export const prefixRegex = (prefix: string): RegExp =>
  new RegExp(`^${usernameKey(prefix).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

export const toUserRecord = (doc: UserDoc): UserRecord => ({
  id: doc._id,
  username: doc.username,
  displayName: doc.displayName,
  passwordHash: doc.passwordHash,
  createdAt: doc.createdAt,
  lastSeenVisibility: doc.lastSeenVisibility,
  // Users written before migration 3 have no field: the default of DESIGN §3.
  groupAdds: doc.groupAdds ?? 'everyone',
  readReceipts: doc.readReceipts ?? true,
  // Users written before profiles have none of these fields.
  photo: doc.photo ?? null,
  about: doc.about ?? '',
  photoVisibility: doc.photoVisibility ?? 'everyone',
  aboutVisibility: doc.aboutVisibility ?? 'everyone',
  notificationPreviews: doc.notificationPreviews ?? true,
  role: doc.role ?? 'member',
  disabledAt: doc.disabledAt ?? null,
  deletedAt: doc.deletedAt ?? null,
});

export const toDeviceRecord = (doc: DeviceDoc): DeviceRecord => ({
  id: doc._id,
  userId: doc.userId,
  name: doc.name,
  platform: doc.platform,
  createdAt: doc.createdAt,
  lastSeenAt: doc.lastSeenAt,
  refreshTokenHash: doc.refreshTokenHash,
  previousRefreshTokenHash: doc.previousRefreshTokenHash ?? null,
  rotatedAt: doc.rotatedAt ?? null,
  revokedAt: doc.revokedAt ?? null,
});

export const toConversationRecord = (doc: ConversationDoc): ConversationRecord => ({
  id: doc._id,
  kind: doc.kind,
  title: doc.title ?? null,
  avatar: doc.avatar ?? null,
  description: doc.description ?? null,
  permissions: { ...DEFAULT_GROUP_PERMISSIONS, ...(doc.permissions ?? {}) },
  createdBy: doc.createdBy,
  createdAt: doc.createdAt,
  lastSeq: doc.lastSeq,
  version: doc.version,
  membersVersion: doc.membersVersion,
  groupDeliveredSeq: doc.groupDeliveredSeq,
  groupReadSeq: doc.groupReadSeq,
});

export const toMembershipRecord = (doc: MembershipDoc): MembershipRecord => ({
  conversationId: doc.conversationId,
  userId: doc.userId,
  role: doc.role,
  muted: doc.muted,
  deliveredSeq: doc.deliveredSeq,
  readSeq: doc.readSeq,
  receiptSeq: doc.receiptSeq,
  version: doc.version,
  active: doc.active,
  periods: doc.periods.map((p) => ({ joinedSeq: p.joinedSeq, leftSeq: p.leftSeq ?? null })),
  leftTitle: doc.leftTitle ?? null,
});

export function toEventRecord(doc: EventDoc): EventRecord {
  const base = {
    id: doc._id,
    conversationId: doc.conversationId,
    seq: doc.seq,
    type: doc.type,
    senderUserId: doc.senderUserId,
    senderDeviceId: doc.senderDeviceId ?? null,
    createdAt: doc.createdAt,
    payload: doc.payload,
    opId: doc.opId ?? null,
  };
  // The document's type decides the payload's shape; the schema validated it when it was written.
  if (doc.type === 'message') {
    return {
      ...base,
      clientMsgId: doc.clientMsgId ?? '',
      editedAt: doc.editedAt ?? null,
      editVersion: doc.editVersion ?? 0,
      deletedAt: doc.deletedAt ?? null,
    } as EventRecord;
  }
  return base as EventRecord;
}

/** The periods as a filter on `seq`; null when there are none (then nothing is visible). */
export function periodFilter(
  periods: readonly Period[],
): { $or: { seq: { $gte: number; $lte?: number } }[] } | null {
  if (periods.length === 0) return null;
  return {
    $or: periods.map((p) =>
      p.leftSeq === null
        ? { seq: { $gte: p.joinedSeq } }
        : { seq: { $gte: p.joinedSeq, $lte: p.leftSeq } },
    ),
  };
}

/** The last period with its end set to `leftSeq` (closing the open one). */
export function closeLastPeriod(periods: readonly Period[], leftSeq: number): Period[] {
  return periods.map((p, i) => (i === periods.length - 1 ? { ...p, leftSeq } : { ...p }));
}

/**
 * True for a MongoDB duplicate-key error (code 11000), also when it arrives inside a bulk write
 * error; with `index`, only when that index refused the write.
 */
export function isDuplicateKeyError(error: unknown, index?: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const candidates: unknown[] = [error];
  const writeErrors: unknown = 'writeErrors' in error ? error.writeErrors : undefined;
  if (Array.isArray(writeErrors)) candidates.push(...Array.from<unknown>(writeErrors));
  return candidates.some((candidate) => {
    if (typeof candidate !== 'object' || candidate === null) return false;
    const code = 'code' in candidate ? candidate.code : undefined;
    if (code !== 11000) return false;
    if (index === undefined) return true;
    const message =
      'errmsg' in candidate && typeof candidate.errmsg === 'string'
        ? candidate.errmsg
        : candidate instanceof Error
          ? candidate.message
          : '';
    return message.includes(`index: ${index} `);
  });
}

/*
 * Lookups through a partial index must state the index's filter themselves: MongoDB uses a partial
 * index only for queries whose predicate implies its partialFilterExpression, and does not infer
 * `{ $type: 'string' }` from an equality. Each filter below repeats it verbatim.
 */

export const byClientMsgId = (senderUserId: string, clientMsgId: string) => ({
  senderUserId,
  clientMsgId: { $eq: clientMsgId, $type: 'string' as const },
});

export const byOpId = (senderUserId: string, opId: string) => ({
  senderUserId,
  opId: { $eq: opId, $type: 'string' as const },
});

export const byDirectKey = (key: string) => ({
  directKey: { $eq: key, $type: 'string' as const },
});
