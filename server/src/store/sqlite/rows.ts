import {
  DEFAULT_GROUP_PERMISSIONS,
  type GroupPermissions,
  type MemberRole,
} from '@chitchat/shared';
import { spanOf } from '../periods';
import type { ConversationRecord, EventRecord, MembershipRecord, Period } from '../types';

/* Rows of the conversation tables as SQLite returns them, and their records. */

export interface ConversationRow {
  id: string;
  kind: 'direct' | 'group';
  title: string | null;
  avatar: string | null;
  description: string | null;
  /** JSON of GroupPermissions; NULL for the defaults. */
  permissions: string | null;
  created_by: string;
  created_at: number;
  last_seq: number;
  version: number;
  members_version: number;
  group_delivered_seq: number;
  group_read_seq: number;
}

export interface MembershipRow {
  conversation_id: string;
  user_id: string;
  role: MemberRole;
  muted: number;
  delivered_seq: number;
  read_seq: number;
  receipt_seq: number;
  version: number;
  active: number;
  periods: string;
  left_title: string | null;
}

export interface EventRow {
  conversation_id: string;
  seq: number;
  id: string;
  type: string;
  sender_user_id: string;
  sender_device_id: string | null;
  client_msg_id: string | null;
  op_id: string | null;
  created_at: number;
  payload: string;
  edited_at: number | null;
  edit_version: number;
  deleted_at: number | null;
}

export const toConversation = (row: ConversationRow): ConversationRecord => ({
  id: row.id,
  kind: row.kind,
  title: row.title,
  avatar: row.avatar,
  description: row.description,
  permissions:
    row.permissions === null
      ? { ...DEFAULT_GROUP_PERMISSIONS }
      : {
          ...DEFAULT_GROUP_PERMISSIONS,
          ...(JSON.parse(row.permissions) as Partial<GroupPermissions>),
        },
  createdBy: row.created_by,
  createdAt: row.created_at,
  lastSeq: row.last_seq,
  version: row.version,
  membersVersion: row.members_version,
  groupDeliveredSeq: row.group_delivered_seq,
  groupReadSeq: row.group_read_seq,
});

export const toMembership = (row: MembershipRow): MembershipRecord => ({
  conversationId: row.conversation_id,
  userId: row.user_id,
  role: row.role,
  muted: row.muted === 1,
  deliveredSeq: row.delivered_seq,
  readSeq: row.read_seq,
  receiptSeq: row.receipt_seq,
  version: row.version,
  active: row.active === 1,
  leftTitle: row.left_title,
  periods: (JSON.parse(row.periods) as [number, number | null][]).map(([joinedSeq, leftSeq]) => ({
    joinedSeq,
    leftSeq,
  })),
});

/** Where the member's current period started. */
export const currentJoin = (m: MembershipRecord) => m.periods.at(-1)?.joinedSeq ?? 0;

export const periodsJson = (periods: readonly Period[]) =>
  JSON.stringify(periods.map((p) => [p.joinedSeq, p.leftSeq]));

export function toEvent(row: EventRow): EventRecord {
  const base = {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    type: row.type,
    senderUserId: row.sender_user_id,
    senderDeviceId: row.sender_device_id,
    createdAt: row.created_at,
    payload: JSON.parse(row.payload) as unknown,
    opId: row.op_id,
  };
  // The row's type decides the payload's shape; rows are only written by this module.
  if (row.type === 'message') {
    return {
      ...base,
      clientMsgId: row.client_msg_id ?? '',
      editedAt: row.edited_at,
      editVersion: row.edit_version,
      deletedAt: row.deleted_at,
    } as EventRecord;
  }
  return base as EventRecord;
}

/**
 * SQL matching `seq` inside any of the periods (never true for no periods). Led by the range the
 * periods span, as top-level terms, so the (conversation_id, seq) index seeks to it instead of
 * testing every event of the conversation against each period.
 */
export function periodClause(periods: readonly Period[]): { sql: string; params: number[] } {
  if (periods.length === 0) return { sql: '0', params: [] };
  const parts: string[] = [];
  const span = spanOf(periods);
  const params: number[] = [span.fromSeq, span.toSeq];
  for (const p of periods) {
    if (p.leftSeq === null) {
      parts.push('seq >= ?');
      params.push(p.joinedSeq);
    } else {
      parts.push('seq BETWEEN ? AND ?');
      params.push(p.joinedSeq, p.leftSeq);
    }
  }
  return { sql: `seq >= ? AND seq <= ? AND (${parts.join(' OR ')})`, params };
}

export const directKey = (a: string, b: string) => (a < b ? `${a}:${b}` : `${b}:${a}`);
