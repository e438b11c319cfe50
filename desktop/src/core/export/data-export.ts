import type { ConversationView, ExportResult, MessageView } from '../../common/contract';
import type { ClientParts } from '../client-parts';
import { remote } from '../client-errors';
import type { EventRow } from '../local-store/rows';
import { conversationHtml, indexHtml } from './export-html';
import type { ZipWriter } from './zip-writer';

/*
 * "Export my data" (issues #15, #17), made on this device from its own copy of every conversation (the
 * server never reads message text: DESIGN §10, and an encrypted future keeps working). Each chat's
 * history is completed from the server first, so the archive holds everything the person can see:
 * their profile and devices, each chat as JSON and as a readable page, and the media of those chats.
 * What they never saw (other people's chats, a group before they joined) is not on this device and
 * cannot end up in the archive. Portable: each host gives where the zip goes (Node: a file,
 * data-export.node.ts; the web app's Worker: an OPFS file, desktop/src/web/export-opfs.ts).
 */

const READ_CHUNK = 500;
/** The file extension of each photo type the apps make (profile and group photos). */
const PHOTO_EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
};
const utf8 = new TextEncoder();

/** A file name that is safe on every desktop system and still says what it is. */
export function safeFileName(name: string, max = 60): string {
  const cleaned = Array.from(
    name
      .normalize('NFC')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, '_')
      .replace(/^[.\s]+|[.\s]+$/g, ''),
  )
    .slice(0, max)
    .join('');
  return cleaned === '' ? 'file' : cleaned;
}

/** Fetches older pages until the conversation's history on this device is complete. */
async function completeHistory({ store, engine }: ClientParts, conversationId: string) {
  for (;;) {
    const before = store.conversation(conversationId);
    if (before === null || before.history_complete === 1) return;
    await remote(() => engine.fetchOlder(conversationId));
    const after = store.conversation(conversationId);
    // No progress (the server had nothing older): stop rather than ask forever.
    if (after === null || after.oldest_seq === before.oldest_seq) return;
  }
}

/** Every event of the conversation on this device, oldest first. */
function allEvents({ store }: ClientParts, conversationId: string): EventRow[] {
  const chunks: EventRow[][] = [];
  let before = Number.MAX_SAFE_INTEGER;
  for (;;) {
    const chunk = store.eventsBefore(conversationId, before, READ_CHUNK);
    if (chunk.length === 0) break;
    chunks.unshift(chunk);
    before = (chunk[0] as EventRow).seq;
    if (chunk.length < READ_CHUNK) break;
  }
  return chunks.flat();
}

/** The JSON shape of one message in the export (stable, documented in docs/export.md). */
function exportedMessage(m: MessageView, mediaPath: (id: string) => string | null) {
  return {
    seq: m.seq,
    at: new Date(m.createdAt).toISOString(),
    from: { userId: m.senderUserId, name: m.senderName },
    own: m.own,
    type: m.type,
    ...(m.systemText !== null ? { system: m.systemText } : {}),
    text: m.text,
    ...(m.replyTo !== null ? { replyToSeq: m.replyTo.seq } : {}),
    ...(m.editedAt !== null ? { editedAt: new Date(m.editedAt).toISOString() } : {}),
    ...(m.deletedAt !== null ? { deletedAt: new Date(m.deletedAt).toISOString() } : {}),
    ...(m.forwarded ? { forwarded: true } : {}),
    attachments: m.attachments.map((a) => ({
      name: a.name,
      mime: a.mime,
      size: a.size,
      file: mediaPath(a.id),
    })),
    ...(m.voice ? { voice: { durationMs: m.voice.durationMs } } : {}),
    ...(m.poll
      ? {
          poll: {
            question: m.poll.question,
            multiple: m.poll.multiple,
            options: m.poll.options.map((o) => ({ text: o.text, votes: o.votes, mine: o.mine })),
          },
        }
      : {}),
    ...(m.reactions && m.reactions.length > 0
      ? { reactions: m.reactions.map((r) => ({ emoji: r.emoji, count: r.count })) }
      : {}),
  };
}

/** Where one export's zip is written, made by the host for the archive's file name. */
export interface ExportTarget {
  zip: ZipWriter;
  /** After the zip is finished: puts it in place; answers where and how large. */
  commit(): Promise<{ path: string; bytes: number }>;
  /** After a failure: removes what was written (the zip is already closed). */
  discard(): Promise<void>;
}

/**
 * Writes the archive into the host's target and answers where and what it holds. A failed export
 * never leaves a half archive behind (the target discards it).
 */
export async function exportArchive(
  parts: ClientParts,
  conversations: readonly ConversationView[],
  open: (fileName: string, now: Date) => Promise<ExportTarget>,
  now = Date.now(),
): Promise<ExportResult> {
  const { api, views, media, session, store } = parts;
  const me = await remote(() => api.me());
  const devices = await remote(() => api.devices());
  for (const c of conversations) await completeHistory(parts, c.id);

  const day = new Date(now).toISOString().slice(0, 10);
  const fileName = `chitchat-export-${safeFileName(me.username)}-${day}.zip`;
  const target = await open(fileName, new Date(now));
  const { zip } = target;
  const text = (value: string) => utf8.encode(value);
  const saved = new Map<string, string | null>();
  let messageCount = 0;
  let missingMedia = 0;
  let photos = 0;
  /**
   * A profile or group photo (a media id) as one file of the archive named `base` plus the
   * extension of its type; null when there is none, or when the server no longer has it.
   */
  const addPhoto = async (mediaId: string | null | undefined, base: string) => {
    if (mediaId === null || mediaId === undefined) return null;
    try {
      const photo = await media.get(mediaId, 'original');
      const file = `${base}.${PHOTO_EXTENSIONS[photo.mime] ?? 'bin'}`;
      await zip.add(file, photo.bytes, { compress: false });
      photos++;
      return file;
    } catch {
      missingMedia++;
      return null;
    }
  };
  try {
    const photo = await addPhoto(me.photo, 'profile-photo');
    await zip.add(
      'profile.json',
      text(
        JSON.stringify(
          {
            exportedAt: new Date(now).toISOString(),
            server: session.serverUrl,
            me,
            photo,
            devices,
          },
          null,
          2,
        ),
      ),
    );
    const chats: { title: string; file: string; messages: number }[] = [];
    for (const [index, conversation] of conversations.entries()) {
      const row = store.conversation(conversation.id);
      if (row === null) continue;
      const messages = views.page(row, allEvents(parts, conversation.id), false);
      for (const m of messages) {
        for (const a of m.attachments) {
          if (saved.has(a.id)) continue;
          if (a.id.startsWith('local:')) {
            saved.set(a.id, null);
            continue;
          }
          try {
            const bytes = await media.get(a.id, 'original');
            const file = `media/${safeFileName(a.id, 40)}-${safeFileName(a.name)}`;
            await zip.add(file, bytes.bytes, { compress: false });
            saved.set(a.id, file);
          } catch {
            // Gone from the server (deleted for everyone, or its sender's account removed).
            saved.set(a.id, null);
            missingMedia++;
          }
        }
      }
      const mediaPath = (id: string) => saved.get(id) ?? null;
      const base = `chats/${String(index + 1).padStart(3, '0')}-${safeFileName(conversation.title, 40)}`;
      // A direct chat's photo is the other person's: theirs to keep, not part of my data.
      const chatPhoto =
        conversation.kind === 'group' ? await addPhoto(conversation.photo, `${base}-photo`) : null;
      const json = {
        id: conversation.id,
        kind: conversation.kind,
        title: conversation.title,
        ...(conversation.kind === 'group' ? { photo: chatPhoto } : {}),
        members: conversation.members.map((m) => ({
          userId: m.userId,
          username: m.username,
          name: m.displayName,
          role: m.role,
        })),
        messages: messages.map((m) => exportedMessage(m, mediaPath)),
      };
      await zip.add(`${base}.json`, text(JSON.stringify(json, null, 2)));
      await zip.add(`${base}.html`, text(conversationHtml(conversation, messages, mediaPath)));
      chats.push({ title: conversation.title, file: `${base}.html`, messages: messages.length });
      messageCount += messages.length;
    }
    await zip.add('index.html', text(indexHtml(me, session.serverUrl, chats, now)));
    await zip.finish();
  } catch (error) {
    await zip.abort().catch(() => undefined);
    await target.discard();
    throw error;
  }
  const written = await target.commit();
  return {
    path: written.path,
    fileName,
    bytes: written.bytes,
    conversations: conversations.length,
    messages: messageCount,
    mediaFiles: [...saved.values()].filter((f) => f !== null).length + photos,
    missingMedia,
  };
}
