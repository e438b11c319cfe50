import type { ClientSession } from 'mongoose';
import type { MemberRole } from '@chitchat/shared';
import { closeLastPeriod } from './records';
import type { MembershipDoc, MongoModels } from './schemas';

type Session = ClientSession;

/** Membership writes shared by the conversation store's transactions (the caller's session). */
export function memberWrites(models: MongoModels) {
  const { Membership } = models;

  /**
   * Sending means the sender has seen the conversation up to their message: publicly, unless
   * `privateRead` (read receipts off in a direct chat), which leaves receiptSeq frozen (DESIGN §3).
   */
  const advanceOwnMarks = (
    conversationId: string,
    userId: string,
    seq: number,
    version: number,
    session: Session,
    privateRead = false,
  ) =>
    Membership.updateOne(
      { conversationId, userId },
      {
        $max: { deliveredSeq: seq, readSeq: seq, ...(privateRead ? {} : { receiptSeq: seq }) },
        $set: { version },
      },
      { session },
    );

  /** Adds a member, or re-adds a former one: a new period, role `role`, watermarks kept. */
  const upsertMember = async (
    conversationId: string,
    userId: string,
    role: MemberRole,
    version: number,
    joinedSeq: number,
    session: Session,
  ) => {
    const period = { joinedSeq, leftSeq: null };
    const updated = await Membership.updateOne(
      { conversationId, userId },
      { $set: { role, version, active: true }, $push: { periods: period } },
      { session },
    );
    if (updated.matchedCount === 1) return;
    const ordinal = await Membership.countDocuments({ conversationId }).session(session);
    const doc: MembershipDoc = {
      conversationId,
      userId,
      role,
      muted: false,
      deliveredSeq: 0,
      readSeq: 0,
      receiptSeq: 0,
      version,
      active: true,
      periods: [period],
      leftTitle: null,
      ordinal,
    };
    await Membership.insertMany([doc], { session });
  };

  /** Ends an active member's current period at `seq`; they keep seeing the title as it was. */
  const closeMember = async (
    conversationId: string,
    userId: string,
    version: number,
    seq: number,
    title: string | null,
    session: Session,
  ) => {
    const doc = await Membership.findOne({ conversationId, userId })
      .session(session)
      .lean<MembershipDoc>();
    if (doc === null || !doc.active) return;
    await Membership.updateOne(
      { conversationId, userId, active: true },
      {
        $set: {
          active: false,
          version,
          periods: closeLastPeriod(doc.periods, seq),
          leftTitle: title,
        },
      },
      { session },
    );
  };

  const setRole = (
    conversationId: string,
    userId: string,
    role: MemberRole,
    version: number,
    session: Session,
  ) =>
    Membership.updateOne(
      { conversationId, userId, active: true, role: { $ne: role } },
      { $set: { role, version } },
      { session },
    );

  return { advanceOwnMarks, upsertMember, closeMember, setRole };
}
