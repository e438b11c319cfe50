import type { PlayStore } from '../types';
import { isDuplicateKeyError } from './records';
import type { VoicePlayDoc } from './play-schemas';
import type { MongoModels } from './schemas';

/** Voice notes' played marks in MongoDB; mirrors ../sqlite/plays.ts. */
export function mongoPlayStore(models: MongoModels): PlayStore {
  const { VoicePlay } = models;
  return {
    async markPlayed(conversationId, seq, userId, at) {
      // An upsert that only ever inserts: a repeat keeps the first time. Two concurrent upserts
      // can both miss and one then fails on the unique index: that one is a repeat too.
      try {
        const result = await VoicePlay.updateOne(
          { conversationId, seq, userId },
          { $setOnInsert: { playedAt: at } },
          { upsert: true },
        );
        if (result.upsertedCount > 0) return { playedAt: at, created: true };
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      const first = await VoicePlay.findOne({ conversationId, seq, userId }, { playedAt: 1 }).lean<
        Pick<VoicePlayDoc, 'playedAt'>
      >();
      return { playedAt: first?.playedAt ?? at, created: false };
    },
    async playsOf(conversationId, seqs) {
      if (seqs.length === 0) return [];
      const docs = await VoicePlay.find(
        { conversationId, seq: { $in: [...seqs] } },
        { _id: 0, conversationId: 1, seq: 1, userId: 1, playedAt: 1 },
      )
        .sort({ seq: 1, playedAt: 1, userId: 1 })
        .lean<VoicePlayDoc[]>();
      return docs.map((doc) => ({
        conversationId: doc.conversationId,
        seq: doc.seq,
        userId: doc.userId,
        playedAt: doc.playedAt,
      }));
    },
  };
}
