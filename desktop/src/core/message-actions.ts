import {
  ATTACHMENTS_MAX,
  LINK_PREVIEW_DESCRIPTION_MAX_LENGTH,
  LINK_PREVIEW_IMAGE_MAX_BYTES,
  LINK_PREVIEW_TITLE_MAX_LENGTH,
  MEDIA_MAX_BYTES,
  linkUrlSchema,
  reactionEmojiSchema,
  chatKey,
  idSchema,
  timeOrderedId,
  type MemberInfo,
  type VoiceNote,
} from '@chitchat/shared';
import type {
  LinkPreviewDraft,
  MediaBytes,
  MessageInfo,
  MessagePage,
  MessageView,
  OutgoingFile,
} from '../common/contract';
import { ChatClientError, remote } from './client-errors';
import type { ClientContext, ClientParts } from './client-parts';
import type {
  EditPayload,
  OutboxLinkPreview,
  ReactPayload,
  SendPayload,
} from './local-store/index';
import { deletedUpTo } from './local-store/deleted-chats';
import { mentionsToSend } from './mentions';
import type { HostFiles } from './host';

/** Messages per page when the screen does not say. */
export const DEFAULT_PAGE = 50;

/** The newest page from the local cache, with what still waits in the outbox. */
export function openConversation(
  { store, views }: ClientParts,
  conversationId: string,
  limit: number,
): MessagePage {
  const row = store.conversation(conversationId);
  if (row === null) throw new ChatClientError('not_found', 'No such conversation.');
  const events = store.latestEvents(conversationId, limit);
  return {
    messages: views.page(row, events, true),
    atStart: historyLoaded(store, row) && events.length < limit,
  };
}

/** Older messages: from the cache, else fetched from the server first. */
export async function loadOlder(
  { store, views, engine }: ClientParts,
  conversationId: string,
  beforeSeq: number,
  limit: number,
): Promise<MessagePage> {
  let row = store.conversation(conversationId);
  if (row === null) throw new ChatClientError('not_found', 'No such conversation.');
  let events = store.eventsBefore(conversationId, beforeSeq, limit);
  if (events.length < limit && !historyLoaded(store, row)) {
    await remote(() => engine.fetchOlder(conversationId));
    row = store.conversation(conversationId) ?? row;
    events = store.eventsBefore(conversationId, beforeSeq, limit);
  }
  return {
    messages: views.page(row, events, false),
    atStart: historyLoaded(store, row) && events.length < limit,
  };
}

/**
 * Everything this person may see of the chat is here: the server has no older page for them, or
 * what is older lies at or below where they deleted the group for themselves (issue #15).
 */
function historyLoaded(
  store: ClientParts['store'],
  row: { id: string; history_complete: number; oldest_seq: number },
): boolean {
  if (row.history_complete === 1) return true;
  const upTo = deletedUpTo(store.account, row.id);
  return upTo > 0 && row.oldest_seq !== 0 && row.oldest_seq <= upTo + 1;
}

/** Puts a message (and its files, kept beside the outbox) in the outbox and starts sending. */
export function sendMessage(
  context: ClientContext,
  outboxFilesDir: string,
  input: {
    conversationId: string;
    text: string;
    replyToSeq?: number;
    replyToKey?: string;
    files?: OutgoingFile[];
    linkPreview?: LinkPreviewDraft;
    mentions?: string[];
    /** A voice note (voice-actions.ts): the one file is its recording. */
    voice?: VoiceNote;
    /** The caller's key for this message: a repeat answers the first (see the contract). */
    key?: string;
  },
): MessageView {
  const { store, engine, views } = context;
  const row = store.conversation(input.conversationId);
  if (row === null) throw new ChatClientError('not_found', 'No such conversation.');
  if (row.status === 'left') {
    throw new ChatClientError('forbidden', 'You are no longer a member of this conversation.');
  }
  const files = input.files ?? [];
  if (input.text.trim() === '' && files.length === 0) {
    throw new ChatClientError('invalid_payload', 'A message needs text or a file.');
  }
  if (files.length > ATTACHMENTS_MAX) {
    throw new ChatClientError('invalid_payload', `At most ${ATTACHMENTS_MAX} files per message.`);
  }
  for (const file of files) {
    if (file.bytes.byteLength > MEDIA_MAX_BYTES) {
      throw new ChatClientError(
        'payload_too_large',
        `“${file.name}” is larger than ${MEDIA_MAX_BYTES / 1024 / 1024} MB.`,
      );
    }
  }
  if (input.key !== undefined) {
    if (!idSchema.safeParse(input.key).success) {
      throw new ChatClientError('invalid_payload', 'A message key is letters, digits, - and _.');
    }
    const earlier = ownMessageView(context, row, input.key);
    if (earlier !== null) return earlier;
  }
  const reply = replyOf(store, input);
  const mentions = mentionsToSend(context, input.conversationId, input.mentions);
  const key = input.key ?? timeOrderedId();
  // The files wait beside the outbox, so a restart before the upload loses nothing.
  const attachments = files.map((file, index) => {
    const stored = context.files.join(outboxFilesDir, `${key}-${index}`);
    context.files.write(stored, file.bytes);
    return {
      file: stored,
      name: file.name || 'file',
      mime: file.mime || 'application/octet-stream',
      size: file.bytes.byteLength,
    };
  });
  const linkPreview =
    input.linkPreview === undefined
      ? undefined
      : outboxPreviewOf(
          context.files,
          input.linkPreview,
          context.files.join(outboxFilesDir, `${key}-preview`),
        );
  const entry = store.addToOutbox({
    key,
    conversationId: input.conversationId,
    kind: 'send',
    payload: {
      text: input.text,
      ...reply,
      ...(attachments.length > 0 ? { attachments } : {}),
      ...(linkPreview !== undefined ? { linkPreview } : {}),
      ...(mentions.length > 0 ? { mentions } : {}),
      ...(input.voice !== undefined ? { voice: input.voice } : {}),
    },
    at: Date.now(),
  });
  // Sent: the draft goes from every device of the person.
  const hadDraft = store.account.value(chatKey('draft', input.conversationId)) !== null;
  store.setDraft(input.conversationId, '');
  if (hadDraft) void engine.account.flush();
  context.listChanged();
  context.messagesChanged(input.conversationId);
  void engine.flush(input.conversationId);
  const view = views.page(row, [], true).find((m) => m.key === entry.key);
  if (view === undefined) throw new Error('outbox entry vanished');
  return view;
}

/**
 * The message this account already wrote under `key` in the conversation (waiting in the outbox,
 * or sent), as the screen shows it; null when there is none.
 */
function ownMessageView(
  { store, views }: ClientContext,
  row: NonNullable<ReturnType<ClientContext['store']['conversation']>>,
  key: string,
): MessageView | null {
  const own = store.ownMessage(row.id, key);
  if (own === null) return null;
  if ('seq' in own) {
    const event = store.eventAt(row.id, own.seq);
    const sent = event === null ? undefined : views.page(row, [event], false)[0];
    if (sent !== undefined) return sent;
  }
  const pending = views.page(row, [], true).find((m) => m.key === key);
  if (pending === undefined) {
    throw new ChatClientError('conflict', 'This message was already written and cannot be shown.');
  }
  return pending;
}

/**
 * What a new message quotes: a sent message by seq, or one of this account's own messages still
 * in the outbox by its key (resolved to its seq when the reply is sent, after it: DESIGN §5).
 */
function replyOf(
  store: ClientParts['store'],
  input: { conversationId: string; replyToSeq?: number; replyToKey?: string },
): Pick<SendPayload, 'replyToSeq' | 'replyToKey'> {
  if (input.replyToSeq !== undefined) return { replyToSeq: input.replyToSeq };
  if (input.replyToKey === undefined) return {};
  const target = store.ownMessage(input.conversationId, input.replyToKey);
  if (target === null) throw new ChatClientError('not_found', 'No such message.');
  return 'seq' in target ? { replyToSeq: target.seq } : { replyToKey: input.replyToKey };
}

/**
 * A composer's preview as the outbox keeps it: checked like the server will (a malformed one is
 * `invalid_payload` now, not a failed send later), its image written beside the outbox.
 */
function outboxPreviewOf(
  files: HostFiles,
  draft: LinkPreviewDraft,
  imageFile: string,
): OutboxLinkPreview {
  const title = draft.title.trim();
  if (!linkUrlSchema.safeParse(draft.url).success || title === '') {
    throw new ChatClientError(
      'invalid_payload',
      'A link preview needs an http(s) link and a title.',
    );
  }
  const preview: OutboxLinkPreview = {
    url: draft.url,
    title: draft.title.slice(0, LINK_PREVIEW_TITLE_MAX_LENGTH),
    description: draft.description?.slice(0, LINK_PREVIEW_DESCRIPTION_MAX_LENGTH) ?? null,
  };
  const image = draft.image;
  if (image !== null && image.mime.startsWith('image/')) {
    if (image.bytes.byteLength <= LINK_PREVIEW_IMAGE_MAX_BYTES) {
      files.write(imageFile, image.bytes);
      const extension = image.mime.split('/')[1] ?? 'img';
      preview.image = {
        file: imageFile,
        name: `preview.${extension}`,
        mime: image.mime,
        size: image.bytes.byteLength,
      };
    }
  }
  return preview;
}

/** Where one of your messages stands with each other member. */
export async function messageInfo(
  { store, engine, session }: ClientParts,
  input: { conversationId: string; seq: number },
): Promise<MessageInfo> {
  if (store.conversation(input.conversationId) === null) {
    throw new ChatClientError('not_found', 'No such conversation.');
  }
  let marks: MemberInfo[] = store.members(input.conversationId).map((m) => ({
    userId: m.user_id,
    role: m.role,
    deliveredSeq: m.delivered_seq,
    receiptSeq: m.receipt_seq,
    joinedSeq: m.joined_seq,
  }));
  if (engine.connection === 'online') {
    // The server has every member's marks, also for groups too large to carry them in summaries.
    const answer = await remote(() =>
      engine.call('conversation:members', { conversationId: input.conversationId }),
    );
    marks = answer.members;
  }
  // Only members whose period covers the message (DESIGN §5): someone added later never had it.
  const others = marks.filter(
    (m) => m.userId !== session.user.id && (m.joinedSeq ?? 0) <= input.seq,
  );
  const users = store.users(others.map((m) => m.userId));
  const played = await playedAtOf({ store, engine }, input);
  return {
    members: others.map((m) => ({
      userId: m.userId,
      displayName: users.get(m.userId)?.display_name ?? 'Someone',
      ...(played.has(m.userId) ? { playedAt: played.get(m.userId) } : {}),
      state:
        m.receiptSeq >= input.seq
          ? 'read'
          : Math.max(m.deliveredSeq, m.receiptSeq) >= input.seq
            ? 'delivered'
            : 'sent',
    })),
  };
}

/** When each listener first played a voice note (fresh from the server when online). */
async function playedAtOf(
  { store, engine }: Pick<ClientParts, 'store' | 'engine'>,
  input: { conversationId: string; seq: number },
): Promise<Map<string, number>> {
  const event = store.eventAt(input.conversationId, input.seq);
  if (event === null || !event.payload.includes('"voice"')) return new Map();
  if (engine.connection === 'online') await engine.played.fetch(input.conversationId, [input.seq]);
  const marks = store.played.between(input.conversationId, input.seq, input.seq).get(input.seq);
  return new Map((marks ?? []).map((m) => [m.user_id, m.played_at]));
}

/** A file: from the outbox while it waits there, else the media cache (downloading if needed). */
export async function getMedia(
  { store, media, files }: ClientParts,
  input: { mediaId: string; variant: 'original' | 'thumbnail'; invite?: string },
): Promise<MediaBytes> {
  const local = /^local:([^:]+):(\d+|preview)$/.exec(input.mediaId);
  if (local !== null) {
    // A file still in the outbox: its bytes are here.
    const entry = store.outboxEntry(local[1] ?? '');
    const payload = entry ? (JSON.parse(entry.payload) as SendPayload) : null;
    const attachment =
      local[2] === 'preview'
        ? payload?.linkPreview?.image
        : payload?.attachments?.[Number(local[2])];
    if (attachment === undefined) throw new ChatClientError('not_found', 'No such file.');
    const bytes = files.read(attachment.file);
    if (bytes === null) throw new ChatClientError('not_found', 'No such file.');
    return { mime: attachment.mime, bytes };
  }
  return remote(() => media.get(input.mediaId, input.variant, input.invite));
}

/**
 * Edits a sent message (by seq) or one of this account's messages still in the outbox (by key).
 * A send never tried yet is rewritten in place: it has not left, so the edit simply becomes the
 * message (no "edited" mark, one request instead of two). A send already tried may have reached
 * the server, so the edit follows it as its own entry and goes on its seq once it is known.
 */
export function editMessage(
  context: ClientContext,
  input: { conversationId: string; seq?: number; key?: string; text: string },
): void {
  const { store, engine } = context;
  let payload: EditPayload;
  if (input.seq !== undefined) payload = { seq: input.seq, text: input.text };
  else if (input.key !== undefined) {
    const target = store.ownMessage(input.conversationId, input.key);
    if (target === null) throw new ChatClientError('not_found', 'No such message.');
    if ('seq' in target) payload = { seq: target.seq, text: input.text };
    else if (store.rewritePendingSend(input.key, input.text)) {
      context.messagesChanged(input.conversationId);
      context.listChanged();
      return;
    } else payload = { targetKey: input.key, text: input.text };
  } else throw new ChatClientError('invalid_payload', 'Name the message by its seq or its key.');
  store.addToOutbox({
    key: timeOrderedId(),
    conversationId: input.conversationId,
    kind: 'edit',
    payload,
    at: Date.now(),
  });
  void engine.flush(input.conversationId);
}

/**
 * Reacts to a sent message (by seq) or to one of your own still in the outbox (by key: the
 * reaction follows it and lands on its seq); `emoji: null` removes your reaction. Goes through the
 * outbox, so it works offline and survives a restart; the screen shows it at once.
 */
export function reactToMessage(
  context: ClientContext,
  input: { conversationId: string; seq?: number; key?: string; emoji: string | null },
): void {
  const { store, engine } = context;
  const row = store.conversation(input.conversationId);
  if (row === null) throw new ChatClientError('not_found', 'No such conversation.');
  if (row.status === 'left') {
    throw new ChatClientError('forbidden', 'You are no longer a member of this conversation.');
  }
  let emoji: string | null = null;
  if (input.emoji !== null) {
    const parsed = reactionEmojiSchema.safeParse(input.emoji);
    if (!parsed.success) throw new ChatClientError('invalid_payload', 'A reaction is one emoji.');
    emoji = parsed.data;
  }
  let payload: ReactPayload;
  if (input.seq !== undefined) payload = { seq: input.seq, emoji };
  else if (input.key !== undefined) {
    const target = store.ownMessage(input.conversationId, input.key);
    if (target === null) throw new ChatClientError('not_found', 'No such message.');
    payload = 'seq' in target ? { seq: target.seq, emoji } : { targetKey: input.key, emoji };
  } else throw new ChatClientError('invalid_payload', 'Name the message by its seq or its key.');
  store.addToOutbox({
    key: timeOrderedId(),
    conversationId: input.conversationId,
    kind: 'react',
    payload,
    at: Date.now(),
  });
  context.messagesChanged(input.conversationId);
  void engine.flush(input.conversationId);
}

export function deleteMessage(
  { store, engine }: ClientParts,
  input: { conversationId: string; seq: number },
): void {
  store.addToOutbox({
    key: timeOrderedId(),
    conversationId: input.conversationId,
    kind: 'delete',
    payload: { seq: input.seq },
    at: Date.now(),
  });
  void engine.flush(input.conversationId);
}

export function retryMessage(context: ClientContext, key: string): void {
  const { store, engine } = context;
  const entry = store.outboxEntry(key);
  if (entry === null) return;
  store.retryOutbox(key);
  context.messagesChanged(entry.conversation_id);
  void engine.flush(entry.conversation_id);
}

export function discardMessage(context: ClientContext, key: string): void {
  const { store } = context;
  const entry = store.outboxEntry(key);
  if (entry === null || entry.state === 'sent') return;
  store.removeOutbox(key);
  if (entry.kind === 'send') {
    const payload = JSON.parse(entry.payload) as SendPayload;
    for (const attachment of payload.attachments ?? []) context.files.remove(attachment.file);
    if (payload.linkPreview?.image !== undefined) {
      context.files.remove(payload.linkPreview.image.file);
    }
  }
  context.messagesChanged(entry.conversation_id);
  context.listChanged();
}
