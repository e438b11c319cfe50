import { targetSeqOf, type HiddenEvent } from '@chitchat/shared';
import { seqInsidePeriods } from './periods';
import type { EventRecord, Period } from './types';

/*
 * What a member may see of the log (DESIGN §3), shared by every store's paging and by the live
 * publish: events inside the member's periods; of those, a referencing event (anything with a
 * `payload.targetSeq`: edits, deletes, later reactions, pins, votes) only when its target is inside
 * the periods too, a `hidden` stub in its place otherwise; and each message as it stood for them:
 * edits made outside their periods never reach them (the log keeps every version, so the state is
 * rebuilt from it), while a delete for everyone removes the text for everyone.
 */

/** An event as one member reads it. */
export type ViewedEvent = EventRecord | HiddenEvent;

/** One version of a message's text, as its `message_edited` event logged it. */
export interface EditVersion {
  seq: number;
  at: number;
  text: string | null;
  editVersion: number;
}

/** What a store knows of a message's versions: the text it was sent with and every edit. */
export interface MessageHistory {
  /** Null when the message was deleted, or edited before the store kept the original. */
  originalText: string | null;
  /** Ascending by seq. */
  edits: EditVersion[];
}

/** Loads the histories of the messages at `targetSeqs` (only asked for edited messages). */
export type HistoryLoader = (
  conversationId: string,
  targetSeqs: readonly number[],
) => Map<number, MessageHistory> | Promise<Map<number, MessageHistory>>;

/** The period holding `seq`, if any. */
export const periodAt = (periods: readonly Period[], seq: number): Period | undefined =>
  periods.find((p) => seq >= p.joinedSeq && (p.leftSeq === null || seq <= p.leftSeq));

/** A binary search (./periods.ts), however often the member rejoined. */
export const insidePeriods = (periods: readonly Period[], seq: number): boolean =>
  seqInsidePeriods(periods, seq);

export const hiddenStub = (event: { conversationId: string; seq: number }): HiddenEvent => ({
  conversationId: event.conversationId,
  seq: event.seq,
  type: 'hidden',
});

/** True when a member with `periods` may see `event` itself (not a stub), given it is in them. */
export function targetVisible(periods: readonly Period[], event: EventRecord): boolean {
  const target = targetSeqOf(event);
  return target === null || insidePeriods(periods, target);
}

/**
 * Whether the message's current state may hold edits the member did not see: it was edited and
 * the member's period around it has closed (an open period covers every later edit). Deleted
 * messages need nothing: a delete for everyone holds for everyone.
 */
function mayHoldUnseenEdits(periods: readonly Period[], event: EventRecord): boolean {
  if (event.type !== 'message' || event.editVersion === 0 || event.deletedAt !== null) return false;
  const period = periodAt(periods, event.seq);
  return period !== undefined && period.leftSeq !== null;
}

/** The message as a member with `periods` saw it: its newest edit inside them, or the original. */
function asSeenWithin(
  event: Extract<EventRecord, { type: 'message' }>,
  history: MessageHistory,
  periods: readonly Period[],
): EventRecord {
  const seen = history.edits.findLast((edit) => insidePeriods(periods, edit.seq));
  if (seen?.editVersion === event.editVersion) return event;
  return {
    ...event,
    payload: { ...event.payload, text: seen?.text ?? history.originalText },
    editedAt: seen?.at ?? null,
    editVersion: seen?.editVersion ?? 0,
  };
}

/**
 * The events (all inside `periods`, as the store selected them) as the member reads them: stubs
 * for referencing events whose target they may not see, messages as they stood for them. Loads
 * message histories only for edited messages around a closed period, so an ordinary page costs
 * nothing more.
 */
export async function viewForReader(
  conversationId: string,
  events: readonly EventRecord[],
  periods: readonly Period[],
  loadHistories: HistoryLoader,
): Promise<ViewedEvent[]> {
  const rebuild = events.filter((e) => mayHoldUnseenEdits(periods, e)).map((e) => e.seq);
  const histories = rebuild.length > 0 ? await loadHistories(conversationId, rebuild) : null;
  return events.map((event) => {
    if (!targetVisible(periods, event)) return hiddenStub(event);
    const history = histories?.get(event.seq);
    if (history !== undefined && event.type === 'message')
      return asSeenWithin(event, history, periods);
    return event;
  });
}

/** Groups edit rows by their target, ascending by seq (the rows come in any order). */
export function groupHistories(
  originals: readonly { seq: number; originalText: string | null }[],
  edits: readonly (EditVersion & { targetSeq: number })[],
): Map<number, MessageHistory> {
  const histories = new Map<number, MessageHistory>();
  for (const { seq, originalText } of originals) histories.set(seq, { originalText, edits: [] });
  for (const { targetSeq, ...edit } of [...edits].sort((x, y) => x.seq - y.seq))
    histories.get(targetSeq)?.edits.push(edit);
  return histories;
}
