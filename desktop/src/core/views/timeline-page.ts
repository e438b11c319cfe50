import type { MessageView } from '../../common/contract';
import type { ConversationRow, EventRow, LocalStore, ReactionRow } from '../local-store/index';
import { mentionedIds } from '../mentions';
import { currentPins } from '../pins';
import { pendingReactions, reactionViews } from '../reaction-views';
import { playedViews } from '../voice-views';
import { receiptMarks } from './marks';
import { messageView } from './message-row';
import { nameOf } from './names';
import { pendingView, type UploadProgressOf } from './pending-row';

/** A page of the timeline: events, then what still waits in the outbox. */
export function timelinePage(
  store: LocalStore,
  progressOf: UploadProgressOf,
  row: ConversationRow,
  events: EventRow[],
  includeOutbox: boolean,
): MessageView[] {
  // Sends wait in the timeline; an edit or delete shows only once it failed (to retry or discard).
  // A reaction never has a row of its own: it shows under its message, or not at all. A pin
  // waiting in the outbox shows in the pinned bar (pins.ts), never as a row.
  const allOutbox = store.outbox(row.id);
  const outbox = includeOutbox
    ? allOutbox.filter(
        (o) =>
          o.kind === 'send' ||
          (o.state === 'failed' && o.kind !== 'react' && o.kind !== 'vote' && o.kind !== 'pin'),
      )
    : [];
  const seqs = events.map((e) => e.seq);
  const reactions =
    seqs.length === 0
      ? new Map<number, ReactionRow[]>()
      : store.reactions.between(row.id, Math.min(...seqs), Math.max(...seqs));
  const pendingReacts = pendingReactions(store, row.id, allOutbox);
  const pinned = new Set(currentPins(store, row.id).map((p) => p.targetSeq));
  const userIds = new Set<string>([store.userId]);
  for (const e of events) {
    userIds.add(e.sender_user_id);
    for (const id of involvedUsers(e)) userIds.add(id);
  }
  for (const list of reactions.values()) for (const r of list) userIds.add(r.user_id);
  const users = store.users([...userIds]);
  const marks = receiptMarks(store, row);
  const nameOfUser = (userId: string) => nameOf(store, users, userId);
  const played = playedViews(store, row, events, (id) => nameOf(store, store.users([id]), id));
  const views = events.map((e) => {
    const message = messageView(store, e, users, marks, pinned);
    const playedView = played.get(e.seq);
    const view = playedView === undefined ? message : { ...message, played: playedView };
    if (e.type !== 'message' || e.deleted_at !== null) return view;
    const mine = pendingReacts.bySeq.has(e.seq)
      ? pendingReacts.bySeq.get(e.seq)
      : e.client_msg_id !== null && e.sender_user_id === store.userId
        ? pendingReacts.byKey.get(e.client_msg_id)
        : undefined;
    const chips = reactionViews(reactions.get(e.seq) ?? [], store.userId, mine, nameOfUser);
    return chips.length > 0 ? { ...view, reactions: chips } : view;
  });
  for (const entry of outbox) {
    const view = pendingView(store, progressOf, entry, users);
    const mine = view.seq !== null ? pendingReacts.bySeq.get(view.seq) : undefined;
    const chips = reactionViews(
      [],
      store.userId,
      mine ?? pendingReacts.byKey.get(entry.key),
      nameOfUser,
    );
    views.push(chips.length > 0 ? { ...view, reactions: chips } : view);
  }
  return views;
}

/** The people an event names besides its sender (mentioned, added, removed...). */
function involvedUsers(event: EventRow): string[] {
  if (event.type === 'message') {
    // Most messages mention nobody: their payload is not parsed a second time for it.
    return event.payload.includes('"mentions"')
      ? mentionedIds(JSON.parse(event.payload) as { mentions?: unknown })
      : [];
  }
  const payload = JSON.parse(event.payload) as { userIds?: unknown; userId?: unknown };
  const ids = Array.isArray(payload.userIds) ? payload.userIds.map(String) : [];
  if (typeof payload.userId === 'string') ids.push(payload.userId);
  return ids;
}
