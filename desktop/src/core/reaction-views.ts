import type { ReactionView } from '../common/contract';
import type { LocalStore, OutboxRow, ReactPayload, ReactionRow } from './local-store/index';

/**
 * This device's reactions still in the outbox, by the message they aim at: its seq, or its key
 * while that message waits in the outbox too. The newest entry per message wins (they are sent in
 * order, so it is what the server will hold); null means "removed".
 */
export interface PendingReactions {
  bySeq: Map<number, string | null>;
  byKey: Map<string, string | null>;
}

export function pendingReactions(
  store: LocalStore,
  conversationId: string,
  outbox: readonly OutboxRow[],
): PendingReactions {
  const pending: PendingReactions = { bySeq: new Map(), byKey: new Map() };
  for (const entry of outbox) {
    if (entry.kind !== 'react' || entry.state === 'failed') continue;
    const payload = JSON.parse(entry.payload) as ReactPayload;
    // After a restore the seq is stale until the target is found again: show nothing for it.
    if (payload.target !== undefined) continue;
    if (payload.seq !== undefined) {
      pending.bySeq.set(payload.seq, payload.emoji);
      continue;
    }
    if (payload.targetKey === undefined) continue;
    const target = store.ownMessage(conversationId, payload.targetKey);
    if (target !== null && 'seq' in target) pending.bySeq.set(target.seq, payload.emoji);
    else pending.byKey.set(payload.targetKey, payload.emoji);
  }
  return pending;
}

/**
 * The chips under a message: one per emoji, in the order the emoji first appeared, with who chose
 * it. `rows` are the folded reactions from the log (oldest first); `mine` is this person's pending
 * choice, which replaces their folded one (undefined: nothing pending).
 */
export function reactionViews(
  rows: readonly ReactionRow[],
  me: string,
  mine: string | null | undefined,
  nameOf: (userId: string) => string,
): ReactionView[] {
  const chosen: { userId: string; emoji: string }[] = rows
    .filter((r) => mine === undefined || r.user_id !== me)
    .map((r) => ({ userId: r.user_id, emoji: r.emoji }));
  if (mine !== undefined && mine !== null) chosen.push({ userId: me, emoji: mine });
  const byEmoji = new Map<string, ReactionView>();
  for (const { userId, emoji } of chosen) {
    let view = byEmoji.get(emoji);
    if (view === undefined) {
      view = { emoji, count: 0, mine: false, people: [] };
      byEmoji.set(emoji, view);
    }
    view.count += 1;
    if (userId === me) view.mine = true;
    view.people.push({ userId, name: nameOf(userId), me: userId === me });
  }
  // Yours first among the people of a chip, as WhatsApp lists "You" first.
  for (const view of byEmoji.values()) view.people.sort((a, b) => Number(b.me) - Number(a.me));
  return [...byEmoji.values()];
}
