import { REFERENCING_EVENT_TYPES, isHidden } from '@chitchat/shared';
import { overlappingPeriods, periodBatches, spanOf } from '../periods';
import type { EventReads, EventRecord, Period } from '../types';
import { groupHistories, viewForReader, type HistoryLoader } from '../visibility';
import { byClientMsgId, byOpId, periodFilter, toEventRecord } from './records';
import type { EventDoc, MongoModels } from './schemas';

/** Referencing events never become the preview, nor move the chat in the list (DESIGN §3). */
const NOT_PREVIEWED = [...REFERENCING_EVENT_TYPES];

/**
 * Matches the batch's periods, led by the range they span so that the (conversationId, seq) index
 * bounds the scan; null for no periods.
 */
function batchFilter(batch: readonly Period[]) {
  const visible = periodFilter(batch);
  if (visible === null) return null;
  const { fromSeq, toSeq } = spanOf(batch);
  return { ...visible, $and: [{ seq: { $gte: fromSeq, $lte: toSeq } }] };
}

/** Reads of the event log, each as the reader with the given periods sees it (../visibility.ts). */
export function mongoEventReads(models: MongoModels): EventReads {
  const { Event } = models;

  /** The versions of edited messages, for members who left before some of the edits. */
  const histories: HistoryLoader = async (conversationId, targetSeqs) => {
    const [originals, edits] = await Promise.all([
      Event.find({ conversationId, seq: { $in: targetSeqs } }, { seq: 1, originalText: 1 }).lean<
        Pick<EventDoc, 'seq' | 'originalText'>[]
      >(),
      // The event_edits index: (conversationId, payload.targetSeq) over message_edited events.
      Event.find({
        conversationId,
        type: 'message_edited',
        'payload.targetSeq': { $in: targetSeqs },
      }).lean<EventDoc[]>(),
    ]);
    return groupHistories(
      originals.map((doc) => ({ seq: doc.seq, originalText: doc.originalText ?? null })),
      edits.map((doc) => {
        const payload = doc.payload as {
          targetSeq: number;
          text: string | null;
          editVersion: number;
        };
        return {
          seq: doc.seq,
          at: doc.createdAt,
          text: payload.text,
          editVersion: payload.editVersion,
          targetSeq: payload.targetSeq,
        };
      }),
    );
  };

  return {
    async eventByClientMsgId(userId, clientMsgId) {
      const doc = await Event.findOne(byClientMsgId(userId, clientMsgId)).lean<EventDoc>();
      return doc ? toEventRecord(doc) : null;
    },
    async eventByOpId(userId, opId) {
      const doc = await Event.findOne(byOpId(userId, opId)).lean<EventDoc>();
      return doc ? toEventRecord(doc) : null;
    },
    async getEvent(conversationId, seq) {
      const doc = await Event.findOne({ conversationId, seq }).lean<EventDoc>();
      return doc ? toEventRecord(doc) : null;
    },
    // Each of these looks only at the periods overlapping its seq range, a bounded batch per query
    // (store/periods.ts): a member re-added a thousand times costs what one re-added once does.
    async eventsAfter(conversationId, periods, afterSeq, upToSeq, limit) {
      const found: EventRecord[] = [];
      if (limit <= 0) return found;
      const inRange = overlappingPeriods(periods, afterSeq + 1, upToSeq);
      for (const batch of periodBatches(inRange, 'ascending')) {
        const visible = batchFilter(batch);
        if (visible === null) continue;
        const docs = await Event.find({
          conversationId,
          seq: { $gt: afterSeq, $lte: upToSeq },
          ...visible,
        })
          .sort({ seq: 1 })
          .limit(limit - found.length)
          .lean<EventDoc[]>();
        for (const doc of docs) found.push(toEventRecord(doc));
        if (found.length >= limit) break;
      }
      return viewForReader(conversationId, found, periods, histories);
    },
    async eventsBefore(conversationId, periods, beforeSeq, limit) {
      const found: EventRecord[] = [];
      if (limit <= 0) return found;
      const inRange = overlappingPeriods(periods, 0, beforeSeq - 1);
      for (const batch of periodBatches(inRange, 'descending')) {
        const visible = batchFilter(batch);
        if (visible === null) continue;
        const docs = await Event.find({ conversationId, seq: { $lt: beforeSeq }, ...visible })
          .sort({ seq: -1 })
          .limit(limit - found.length)
          .lean<EventDoc[]>();
        for (const doc of docs) found.push(toEventRecord(doc));
        if (found.length >= limit) break;
      }
      return viewForReader(conversationId, found, periods, histories);
    },
    async lastVisibleEvent(conversationId, periods, upToSeq) {
      for (const batch of periodBatches(overlappingPeriods(periods, 0, upToSeq), 'descending')) {
        const visible = batchFilter(batch);
        if (visible === null) continue;
        const doc = await Event.findOne({
          conversationId,
          seq: { $lte: upToSeq },
          type: { $nin: NOT_PREVIEWED },
          ...visible,
        })
          .sort({ seq: -1 })
          .lean<EventDoc>();
        if (doc === null) continue;
        const [viewed] = await viewForReader(
          conversationId,
          [toEventRecord(doc)],
          periods,
          histories,
        );
        return viewed === undefined || isHidden(viewed) ? null : viewed;
      }
      return null;
    },
    async countUnread(conversationId, userId, periods, afterSeq, upToSeq, cap) {
      let count = 0;
      const inRange = overlappingPeriods(periods, afterSeq + 1, upToSeq);
      for (const batch of periodBatches(inRange, 'ascending')) {
        const visible = batchFilter(batch);
        if (visible === null || count >= cap) break;
        count += await Event.countDocuments(
          {
            conversationId,
            seq: { $gt: afterSeq, $lte: upToSeq },
            type: 'message',
            deletedAt: null,
            senderUserId: { $ne: userId },
            ...visible,
          },
          { limit: cap - count },
        );
      }
      return count;
    },
  };
}
