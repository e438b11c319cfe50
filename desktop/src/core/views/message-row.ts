import { EVENT_TYPES, voiceNoteSchema, type AttachmentRef, type VoiceNote } from '@chitchat/shared';
import type { MessageView } from '../../common/contract';
import type { EventRow, LocalStore, UserRow } from '../local-store/index';
import { mentionViews } from '../mentions';
import { quotedText } from '../voice-views';
import { linkPreviewOf } from './link-previews';
import { statusOf, type Marks } from './marks';
import { nameOf } from './names';
import { pollFieldOf } from './poll-field';
import { systemText } from './system-text';

const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

/** A timeline event (a message, or a system line) as a row of the chat. */
export function messageView(
  store: LocalStore,
  event: EventRow,
  users: Map<string, UserRow>,
  marks: Marks,
  pinned: ReadonlySet<number> = new Set(),
): MessageView {
  const payload = JSON.parse(event.payload) as Record<string, unknown>;
  const own = event.sender_user_id === store.userId;
  const isMessage = event.type === 'message';
  const replyToSeq =
    isMessage && typeof payload.replyToSeq === 'number' ? payload.replyToSeq : null;
  let replyTo: MessageView['replyTo'] = null;
  if (replyToSeq !== null) {
    const target = store.eventAt(event.conversation_id, replyToSeq);
    replyTo = {
      seq: replyToSeq,
      senderName: target
        ? nameOf(store, store.users([target.sender_user_id]), target.sender_user_id)
        : '',
      text: quotedText(target),
    };
  }
  return {
    key: event.client_msg_id ?? event.id,
    conversationId: event.conversation_id,
    seq: event.seq,
    type: event.type,
    senderUserId: event.sender_user_id,
    senderName: nameOf(store, users, event.sender_user_id),
    own,
    text: isMessage ? event.text : null,
    systemText:
      isMessage || !KNOWN_TYPES.has(event.type) ? null : systemText(store, event, payload, users),
    replyTo,
    attachments:
      isMessage && Array.isArray(payload.attachments)
        ? (payload.attachments as AttachmentRef[]).map((a) => ({
            ...a,
            thumbnail: a.thumbnail === true,
          }))
        : [],
    createdAt: event.created_at,
    editedAt: event.edited_at,
    deletedAt: event.deleted_at,
    status: own && isMessage ? statusOf(event.seq, marks) : null,
    error: null,
    unsupported: !KNOWN_TYPES.has(event.type),
    forwarded: isMessage && payload.forwarded === true,
    linkPreview: isMessage ? linkPreviewOf(payload.linkPreview) : null,
    starred: isMessage && store.account.isStarred(event.conversation_id, event.seq),
    mentions: isMessage ? mentionViews(payload, users, store.userId) : undefined,
    ...(isMessage && pinned.has(event.seq) ? { pinned: true } : {}),
    ...(event.type === 'pin' && typeof payload.targetSeq === 'number'
      ? { pinTarget: payload.targetSeq }
      : {}),
    ...pollFieldOf(
      store,
      event.conversation_id,
      event.seq,
      event.client_msg_id,
      payload.poll,
      event,
    ),
    ...(isMessage ? voiceOf(payload.voice) : {}),
  };
}

/** A stored message's voice note description, when it is one and well-formed (from the server). */
function voiceOf(value: unknown): { voice?: VoiceNote } {
  const parsed = voiceNoteSchema.safeParse(value);
  return parsed.success ? { voice: parsed.data } : {};
}
