import { StoreRefusal, type ConversationStore } from '../types';
import { byClientMsgId, toEventRecord } from './records';
import type { EventDoc, MongoModels } from './schemas';
import type { Transact } from './transaction';
import { retryingDuplicate, type LogWrites } from './log-writes';
import { memberWrites } from './member-writes';
import { messagePayloadOf } from '../message-payload';

/*
 * The MongoDB store's message writes: send, edit, delete for everyone, and referencing events
 * (reactions, pins, votes). Mirrors ../sqlite/conversations.ts; each is one transaction.
 */

type MessageWrites = Pick<
  ConversationStore,
  'appendMessage' | 'editMessage' | 'deleteMessage' | 'appendReference'
>;

export function mongoMessageWrites(
  models: MongoModels,
  transact: Transact,
  log: LogWrites,
): MessageWrites {
  const { Membership, Event, Block, User } = models;
  const { requireActive, eventByOp, claimSeqs, allocateSeqs, insertEvent, targetMessage } = log;
  const { nextVersion, setConversationVersion } = log;
  const { advanceOwnMarks } = memberWrites(models);

  return {
    async appendMessage(message) {
      return retryingDuplicate(() =>
        transact(async (session) => {
          const existing = await Event.findOne(byClientMsgId(message.userId, message.clientMsgId))
            .session(session)
            .lean<EventDoc>();
          if (existing !== null)
            return { event: toEventRecord(existing), duplicate: true as const };
          await requireActive(message.conversationId, message.userId, session);
          const blockedBy = message.unlessBlockedBy ?? null;
          if (
            blockedBy !== null &&
            (await Block.exists({ userId: blockedBy, blockedUserId: message.userId }).session(
              session,
            )) !== null
          ) {
            throw new StoreRefusal('blocked');
          }
          const mentions = [...new Set(message.mentions ?? [])];
          if (
            mentions.length > 0 &&
            (await Membership.countDocuments({
              conversationId: message.conversationId,
              userId: { $in: mentions },
              active: true,
            }).session(session)) !== mentions.length
          ) {
            throw new StoreRefusal('mention_not_member');
          }
          const {
            first: seq,
            membersVersion,
            kind,
          } = await claimSeqs(message.conversationId, 1, session);
          // Read receipts off make the sender's read private in a direct chat (DESIGN §3); the
          // event says so, for apps that infer the sender's read from their message.
          const privateRead =
            kind === 'direct' &&
            (await User.exists({ _id: message.userId, readReceipts: false }).session(session)) !==
              null;
          const event = await insertEvent(
            message.conversationId,
            seq,
            message,
            'message',
            messagePayloadOf(message, privateRead),
            { clientMsgId: message.clientMsgId },
            session,
          );
          // The stamp is taken last, so it is as close as possible to the commit (../versions.ts).
          const version = await nextVersion(session);
          await setConversationVersion(message.conversationId, version, session);
          await advanceOwnMarks(
            message.conversationId,
            message.userId,
            seq,
            version,
            session,
            privateRead,
          );
          return { event, duplicate: false as const, membersVersion };
        }),
      );
    },

    async editMessage(conversationId, targetSeq, text, origin) {
      return retryingDuplicate(() =>
        transact(async (session) => {
          if (origin.opId !== undefined) {
            const existing = await eventByOp(origin.userId, origin.opId, session);
            if (existing !== null) return toEventRecord(existing);
          }
          await requireActive(conversationId, origin.userId, session);
          const target = await targetMessage(conversationId, targetSeq, session);
          const seq = await allocateSeqs(conversationId, 1, session);
          const editVersion = (target.editVersion ?? 0) + 1;
          const event = await insertEvent(
            conversationId,
            seq,
            origin,
            'message_edited',
            { targetSeq, text, editVersion },
            { opId: origin.opId },
            session,
          );
          // The first edit keeps the text the message was sent with.
          const original =
            editVersion === 1
              ? { originalText: (target.payload as { text: string | null }).text }
              : {};
          await Event.updateOne(
            { conversationId, seq: targetSeq },
            { $set: { 'payload.text': text, editedAt: origin.at, editVersion, ...original } },
            { session },
          );
          await setConversationVersion(conversationId, await nextVersion(session), session);
          return event;
        }),
      );
    },

    async deleteMessage(conversationId, targetSeq, origin) {
      return retryingDuplicate(() =>
        transact(async (session) => {
          if (origin.opId !== undefined) {
            const existing = await eventByOp(origin.userId, origin.opId, session);
            if (existing !== null) return toEventRecord(existing);
          }
          await requireActive(conversationId, origin.userId, session);
          await targetMessage(conversationId, targetSeq, session);
          const seq = await allocateSeqs(conversationId, 1, session);
          const event = await insertEvent(
            conversationId,
            seq,
            origin,
            'message_deleted',
            { targetSeq },
            { opId: origin.opId },
            session,
          );
          // Deleted for everyone: the text and attachments leave the row, and the edits' text too.
          await Event.updateOne(
            { conversationId, seq: targetSeq },
            {
              $set: {
                'payload.text': null,
                'payload.attachments': [],
                deletedAt: origin.at,
                originalText: null,
              },
              // The preview describes a link of the text, and its image is media of the message;
              // whom the text mentioned goes with the text; a voice note's description goes with
              // its recording.
              $unset: {
                'payload.linkPreview': '',
                'payload.mentions': '',
                'payload.voice': '',
                'payload.poll': '',
              },
            },
            { session },
          );
          await Event.updateMany(
            { conversationId, type: 'message_edited', 'payload.targetSeq': targetSeq },
            { $set: { 'payload.text': null } },
            { session },
          );
          await setConversationVersion(conversationId, await nextVersion(session), session);
          return event;
        }),
      );
    },

    async appendReference(conversationId, reference, origin) {
      return retryingDuplicate(() =>
        transact(async (session) => {
          if (origin.opId !== undefined) {
            const existing = await eventByOp(origin.userId, origin.opId, session);
            if (existing !== null) return toEventRecord(existing);
          }
          await requireActive(conversationId, origin.userId, session);
          await targetMessage(conversationId, reference.payload.targetSeq, session);
          const seq = await allocateSeqs(conversationId, 1, session);
          const event = await insertEvent(
            conversationId,
            seq,
            origin,
            reference.type,
            reference.payload,
            { opId: origin.opId },
            session,
          );
          await setConversationVersion(conversationId, await nextVersion(session), session);
          return event;
        }),
      );
    },
  };
}
