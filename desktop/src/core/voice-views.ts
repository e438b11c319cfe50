import { voiceNoteSchema } from '@chitchat/shared';
import type { PlayedView } from '../common/contract';
import { voiceMessageLabel } from '../common/voice';
import type { ConversationRow, EventRow, LocalStore } from './local-store/index';

/**
 * The played marks of the voice notes among a page's events (deleted notes have none), by seq.
 * Your notes list who played them and whether every other member whose period covers the note
 * did; others' notes say whether you played them (on any of your devices).
 */
export function playedViews(
  store: LocalStore,
  row: ConversationRow,
  events: readonly EventRow[],
  nameOf: (userId: string) => string,
): Map<number, PlayedView> {
  const views = new Map<number, PlayedView>();
  // Most pages hold no voice note: their payloads are not parsed for it.
  const notes = events.filter(
    (e) => e.type === 'message' && e.deleted_at === null && e.payload.includes('"voice"'),
  );
  if (notes.length === 0) return views;
  const marks = store.played.between(
    row.id,
    Math.min(...notes.map((e) => e.seq)),
    Math.max(...notes.map((e) => e.seq)),
  );
  const members = store.members(row.id);
  for (const note of notes) {
    const rows = marks.get(note.seq) ?? [];
    if (note.sender_user_id !== store.userId) {
      views.set(note.seq, {
        byMe: rows.some((m) => m.user_id === store.userId),
        by: [],
        everyone: false,
      });
      continue;
    }
    const by = rows
      .filter((m) => m.user_id !== store.userId)
      .map((m) => ({ userId: m.user_id, name: nameOf(m.user_id), at: m.played_at }));
    views.set(note.seq, { byMe: false, by, everyone: by.length >= listeners(row, members, note) });
  }
  return views;
}

/**
 * How many people must play your note for it to count as played by everyone: the other members
 * whose period covers it where the members are known here, else the member count (large groups).
 */
function listeners(
  row: ConversationRow,
  members: readonly { user_id: string; joined_seq: number }[],
  note: EventRow,
): number {
  if (row.kind === 'direct') return 1;
  const others = members.filter((m) => m.user_id !== note.sender_user_id);
  if (others.length > 0) return Math.max(1, others.filter((m) => m.joined_seq <= note.seq).length);
  return Math.max(1, row.member_count - 1);
}

/** What a reply quotes of its target: its text, or "🎤 Voice message (0:12)" for a voice note. */
export function quotedText(target: EventRow | null | undefined): string | null {
  if (target == null) return null;
  if (target.text !== null || target.deleted_at !== null || !target.payload.includes('"voice"'))
    return target.text;
  const voice = voiceNoteSchema.safeParse(
    (JSON.parse(target.payload) as { voice?: unknown }).voice,
  );
  return voice.success ? voiceMessageLabel(voice.data.durationMs) : null;
}
