import type { LocalAccountState } from './account-state';
import { writeMeta } from './meta';
import { detachOutboxTargets } from './outbox-targets';
import type { LocalPlayed } from './played';
import type { StoreContext } from './store-context';

/** Forgets everything learned from the server (a restored server); keeps the outbox and drafts. */
export function resetServerState(
  ctx: StoreContext,
  account: LocalAccountState,
  played: LocalPlayed,
): void {
  const { db } = ctx;
  db.transaction(() => {
    const drafts = db
      .prepare<[], { id: string; draft: string }>(
        "SELECT id, draft FROM conversations WHERE draft != ''",
      )
      .all();
    // Seqs in the outbox may name other messages on the restored server: keep who they meant.
    detachOutboxTargets(db);
    db.exec(`
      DELETE FROM events; DELETE FROM pending_changes; DELETE FROM poll_votes; DELETE FROM members; DELETE FROM conversations;
      DELETE FROM meta WHERE key IN ('cursor', 'store_epoch');
      UPDATE outbox SET state = 'pending', seq = NULL WHERE state = 'sent';
    `);
    writeMeta(ctx.statements, 'pending_drafts', JSON.stringify(drafts));
    // The account state belongs to the server's store too; changes made here stay pending.
    account.reset();
    ctx.reactions.reset();
    played.reset();
  })();
  ctx.changes.touchAll();
}
