import type { MessageStatus } from '../../common/contract';
import type { ConversationRow, LocalStore, MemberRow } from '../local-store/index';

export interface Marks {
  /** The lowest delivered / read watermark over the other members (what ticks compare against). */
  delivered: number;
  read: number;
}

/**
 * Watermarks of the other members: the minimum, which decides delivered and read ticks. A
 * message counts only the members whose period covers its seq (DESIGN §5), so a member stands
 * at no less than `joined_seq - 1`: everything before they joined never waits for them, and
 * adding someone turns no old message back to "sent".
 */
export function receiptMarks(store: LocalStore, row: ConversationRow): Marks {
  if (row.kind === 'group' && row.member_count > 32) {
    return { delivered: row.group_delivered_seq, read: row.group_read_seq };
  }
  const others = store.members(row.id).filter((m) => m.user_id !== store.userId);
  // Nobody known to deliver to yet: stay at "sent" rather than claim more.
  if (others.length === 0) return { delivered: 0, read: 0 };
  const before = (m: MemberRow) => Math.max(m.joined_seq - 1, 0);
  return {
    delivered: Math.min(...others.map((m) => Math.max(m.delivered_seq, m.receipt_seq, before(m)))),
    read: Math.min(...others.map((m) => Math.max(m.receipt_seq, before(m)))),
  };
}

/** The ticks of an own message at `seq`. */
export function statusOf(seq: number, marks: Marks): MessageStatus {
  if (seq <= marks.read) return 'read';
  if (seq <= marks.delivered) return 'delivered';
  return 'sent';
}
