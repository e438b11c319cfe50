import type { MessageView } from '../../common/contract';
import type {
  EditPayload,
  LocalStore,
  OutboxRow,
  SendPayload,
  UserRow,
} from '../local-store/index';
import { mentionViews } from '../mentions';
import { quotedText } from '../voice-views';
import { pendingLinkPreviewOf } from './link-previews';
import { nameOf } from './names';
import { pollFieldOf } from './poll-field';

/** Upload progress of an outbox entry, while its files are being sent. */
export type UploadProgressOf = (key: string) => { sent: number; total: number } | null;

/** An outbox entry as a row of the chat: a send still on its way, or a failed edit or delete. */
export function pendingView(
  store: LocalStore,
  progressOf: UploadProgressOf,
  entry: OutboxRow,
  users: Map<string, UserRow>,
): MessageView {
  if (entry.kind !== 'send') return failedChange(store, entry);
  const payload = JSON.parse(entry.payload) as SendPayload;
  let replyTo: MessageView['replyTo'] = null;
  if (payload.replyToSeq !== undefined) {
    // After a restore the seq is stale until the target is found again: never quote whatever
    // message has that seq now.
    const seq =
      payload.replyTarget === undefined
        ? payload.replyToSeq
        : store.resolveOutboxTarget(entry.conversation_id, payload.replyTarget);
    const target = seq === null ? null : store.eventAt(entry.conversation_id, seq);
    replyTo = {
      seq: seq ?? payload.replyToSeq,
      senderName: target ? nameOf(store, users, target.sender_user_id) : '',
      text: quotedText(target),
    };
  } else if (payload.replyToKey !== undefined) {
    replyTo = pendingQuote(store, entry.conversation_id, payload.replyToKey);
  }
  return {
    key: entry.key,
    conversationId: entry.conversation_id,
    seq: entry.seq,
    type: 'message',
    senderUserId: store.userId,
    senderName: 'You',
    own: true,
    text: payload.text,
    systemText: null,
    replyTo,
    attachments: (payload.attachments ?? []).map((a, index) => ({
      id: a.mediaId ?? `local:${entry.key}:${index}`,
      name: a.name,
      mime: a.mime,
      size: a.size,
      ...(a.width !== undefined ? { width: a.width } : {}),
      ...(a.height !== undefined ? { height: a.height } : {}),
      thumbnail: a.mediaId !== undefined && a.thumbnail === true,
    })),
    upload: progressOf(entry.key),
    createdAt: entry.created_at,
    editedAt: null,
    deletedAt: null,
    status: entry.state === 'failed' ? 'failed' : entry.state === 'sent' ? 'sent' : 'pending',
    error: entry.error,
    unsupported: false,
    forwarded: payload.forwarded === true,
    linkPreview: pendingLinkPreviewOf(entry.key, payload.linkPreview),
    mentions: mentionViews(payload, store.users(payload.mentions ?? []), store.userId),
    ...pollFieldOf(store, entry.conversation_id, null, entry.key, payload.poll),
    ...(payload.voice !== undefined ? { voice: payload.voice } : {}),
  };
}

/** The quote of a reply to an own message that was itself still in the outbox. */
function pendingQuote(
  store: LocalStore,
  conversationId: string,
  key: string,
): MessageView['replyTo'] {
  const target = store.ownMessage(conversationId, key);
  if (target === null) return null;
  if ('seq' in target) {
    return {
      seq: target.seq,
      senderName: 'You',
      text: store.eventAt(conversationId, target.seq)?.text ?? null,
    };
  }
  const entry = store.outboxEntry(key);
  const text = entry === null ? '' : (JSON.parse(entry.payload) as SendPayload).text;
  return { seq: null, senderName: 'You', text: text.trim() === '' ? null : text };
}

/** A failed edit or delete, as a row of its own: its target may not be loaded, or not exist. */
function failedChange(store: LocalStore, entry: OutboxRow): MessageView {
  const payload = JSON.parse(entry.payload) as Partial<EditPayload>;
  return {
    key: entry.key,
    conversationId: entry.conversation_id,
    seq: null,
    type: 'message',
    senderUserId: store.userId,
    senderName: 'You',
    own: true,
    text: entry.kind === 'edit' ? (payload.text ?? '') : null,
    systemText: null,
    replyTo: null,
    attachments: [],
    createdAt: entry.created_at,
    editedAt: null,
    deletedAt: null,
    status: entry.state === 'failed' ? 'failed' : 'pending',
    error: entry.error,
    unsupported: false,
    forwarded: false,
    linkPreview: null,
    change: entry.kind === 'edit' ? 'edit' : 'delete',
  };
}
