import {
  FORWARD_CHATS_MAX,
  FORWARD_MESSAGES_MAX,
  timeOrderedId,
  type AttachmentRef,
  type LinkPreview,
  voiceNoteSchema,
} from '@chitchat/shared';
import { ChatClientError } from './client-errors';
import type { ClientContext } from './client-parts';
import type { OutboxAttachment, OutboxLinkPreview, SendPayload } from './local-store/index';

/** A stored attachment as a forward carries it: already on the server, so nothing to upload. */
const reused = (ref: AttachmentRef): OutboxAttachment => ({
  file: '',
  name: ref.name,
  mime: ref.mime,
  size: ref.size,
  mediaId: ref.id,
  ...(ref.width !== undefined ? { width: ref.width } : {}),
  ...(ref.height !== undefined ? { height: ref.height } : {}),
  thumbnail: ref.thumbnail,
});

function reusedPreview(preview: LinkPreview | undefined): OutboxLinkPreview | undefined {
  if (preview === undefined) return undefined;
  return {
    url: preview.url,
    title: preview.title,
    description: preview.description,
    ...(preview.image !== null ? { image: reused(preview.image) } : {}),
  };
}

/**
 * Forwards messages of one conversation to other chats, as WhatsApp does: each copy is a new
 * message in the target's outbox with the "Forwarded" label, its text, files and link preview as
 * they stand now, the media reused by id (the server lets a sender attach media they can read,
 * DESIGN §6.5). The order of `seqs` is kept in every target. Works offline like any send.
 */
export function forwardMessages(
  context: ClientContext,
  input: { conversationId: string; seqs: number[]; to: string[] },
): void {
  const { store, engine } = context;
  const seqs = [...new Set(input.seqs)];
  const targets = [...new Set(input.to)];
  if (seqs.length === 0 || targets.length === 0) {
    throw new ChatClientError('invalid_payload', 'Choose messages and at least one chat.');
  }
  if (seqs.length > FORWARD_MESSAGES_MAX || targets.length > FORWARD_CHATS_MAX) {
    throw new ChatClientError(
      'invalid_payload',
      `Forward at most ${FORWARD_MESSAGES_MAX} messages to at most ${FORWARD_CHATS_MAX} chats.`,
    );
  }
  const payloads: SendPayload[] = seqs.map((seq) => {
    const event = store.eventAt(input.conversationId, seq);
    if (event === null || event.type !== 'message' || event.deleted_at !== null) {
      throw new ChatClientError('not_found', 'That message cannot be forwarded.');
    }
    const stored = JSON.parse(event.payload) as {
      attachments?: AttachmentRef[];
      linkPreview?: LinkPreview;
      voice?: unknown;
    };
    const attachments = (stored.attachments ?? []).map(reused);
    const linkPreview = reusedPreview(stored.linkPreview);
    // A voice note stays one (its recording reused), as WhatsApp forwards them.
    const voice = voiceNoteSchema.safeParse(stored.voice);
    return {
      text: event.text ?? '',
      forwarded: true,
      ...(attachments.length > 0 ? { attachments } : {}),
      ...(linkPreview !== undefined ? { linkPreview } : {}),
      ...(voice.success && attachments.length === 1 ? { voice: voice.data } : {}),
    };
  });
  for (const conversationId of targets) {
    const row = store.conversation(conversationId);
    if (row === null) throw new ChatClientError('not_found', 'No such conversation.');
    if (row.status === 'left') {
      throw new ChatClientError('forbidden', 'You are no longer a member of one of those chats.');
    }
  }
  const at = Date.now();
  for (const conversationId of targets) {
    for (const payload of payloads) {
      store.addToOutbox({ key: timeOrderedId(), conversationId, kind: 'send', payload, at });
    }
    context.messagesChanged(conversationId);
    void engine.flush(conversationId);
  }
  context.listChanged();
}
