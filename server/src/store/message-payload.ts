import type { MessagePayload } from '@chitchat/shared';
import type { NewMessage } from './types';

/**
 * The payload a store writes for a new message: `forwarded`, `linkPreview`, `mentions`, `voice`
 * and `poll` only when present, so messages without them keep the shape every older reader knows.
 * `privateRead` (decided by the store, never taken from the sender) when sending did not make the
 * sender's read public (docs/protocol.md §5 "Own watermarks").
 */
export function messagePayloadOf(message: NewMessage, privateRead = false): MessagePayload {
  const payload: MessagePayload = {
    text: message.text,
    replyToSeq: message.replyToSeq,
    attachments: message.attachments,
  };
  if (message.forwarded === true) payload.forwarded = true;
  if (message.linkPreview !== undefined) payload.linkPreview = message.linkPreview;
  if (message.mentions !== undefined && message.mentions.length > 0)
    payload.mentions = [...message.mentions];
  if (message.voice !== undefined) payload.voice = message.voice;
  if (message.poll !== undefined) payload.poll = message.poll;
  if (privateRead) payload.privateRead = true;
  return payload;
}

/**
 * Every media id a new message references: its attachments and its link preview's image. Media
 * is readable by whoever can read a message that references it (DESIGN §6.5), and kept while one does.
 */
export function mediaIdsOf(message: NewMessage): string[] {
  const ids = message.attachments.map((a) => a.id);
  const image = message.linkPreview?.image;
  if (image != null && !ids.includes(image.id)) ids.push(image.id);
  return ids;
}
