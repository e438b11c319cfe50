import {
  DRAFT_MAX_LENGTH,
  MUTE_ALWAYS,
  chatKey,
  timeOrderedId,
  type ConversationSummary,
  type PublicUser,
} from '@chitchat/shared';
import type { LocalAccountState } from './account-state';
import { readMeta, writeMeta } from './meta';
import type { StoreContext } from './store-context';
import { upsertUsers } from './users';

/** Takes in a server summary: metadata, members, the server's unread count and watermarks. */
export function applySummary(ctx: StoreContext, summary: ConversationSummary): void {
  const { statements } = ctx;
  ctx.changes.touch(summary.id);
  ctx.db.transaction(() => {
    const existing = statements.conversation.get(summary.id) ?? null;
    const users: PublicUser[] = [];
    if (summary.peer) users.push(summary.peer);
    for (const m of summary.members ?? [])
      users.push({
        id: m.userId,
        username: m.username,
        displayName: m.displayName,
        ...(m.photo !== undefined ? { photo: m.photo } : {}),
      });
    upsertUsers(ctx, users);
    const drafts = takePendingDraft(ctx, summary.id);
    statements.upsertConversation.run({
      id: summary.id,
      kind: summary.kind,
      title: summary.title,
      status: summary.status,
      role: summary.role,
      muted: summary.muted ? 1 : 0,
      peerId: summary.peer?.id ?? null,
      memberCount: summary.memberCount,
      membersVersion: summary.membersVersion,
      createdAt: summary.createdAt,
      lastActivityAt: summary.lastActivityAt,
      serverLastSeq: summary.lastSeq,
      deliveredSeq: summary.deliveredSeq,
      readSeq: summary.readSeq,
      unreadCount: summary.unreadCount,
      countedSeq: summary.lastSeq,
      draft: drafts ?? existing?.draft ?? '',
    });
    // Older servers send no request state: a chat from them is an ordinary one.
    statements.setRequest.run(summary.request ?? null, summary.id);
    if (summary.kind === 'group') {
      statements.setGroupInfo.run({
        id: summary.id,
        avatar: summary.avatar,
        hasDescription: summary.description !== undefined ? 1 : 0,
        description: summary.description ?? null,
        permissions: summary.permissions ? JSON.stringify(summary.permissions) : null,
      });
    }
    if (summary.members !== undefined) {
      statements.deleteMembers.run(summary.id);
      for (const m of summary.members) {
        statements.upsertMember.run({
          conversationId: summary.id,
          userId: m.userId,
          role: m.role,
          deliveredSeq: m.deliveredSeq,
          receiptSeq: m.receiptSeq,
          joinedSeq: m.joinedSeq ?? 0,
        });
      }
    }
  })();
}

/** A draft kept over a server restore (`resetServerState`), handed back once its chat returns. */
function takePendingDraft(ctx: StoreContext, conversationId: string): string | null {
  const raw = readMeta(ctx.statements, 'pending_drafts');
  if (raw === null) return null;
  const drafts = JSON.parse(raw) as { id: string; draft: string }[];
  const found = drafts.find((d) => d.id === conversationId);
  if (found === undefined) return null;
  writeMeta(
    ctx.statements,
    'pending_drafts',
    JSON.stringify(drafts.filter((d) => d.id !== conversationId)),
  );
  return found.draft;
}

/**
 * The composer's text of a chat: a change of the account state (`draft:<id>`, DESIGN §3), so it
 * follows the person to their other devices; '' removes it. Sent by the account sync.
 */
export function setDraft(
  ctx: StoreContext,
  account: LocalAccountState,
  conversationId: string,
  text: string,
): void {
  ctx.changes.touch(conversationId);
  const draft = text.slice(0, DRAFT_MAX_LENGTH);
  ctx.db.transaction(() => {
    ctx.statements.setDraft.run(draft, conversationId);
    account.setLocal(
      [{ key: chatKey('draft', conversationId), value: draft === '' ? null : draft }],
      timeOrderedId(),
      Date.now(),
    );
  })();
}

/** Mutes a chat always (or unmutes it) in the account state; see chat-list-actions.ts. */
export function setMuted(
  ctx: StoreContext,
  account: LocalAccountState,
  conversationId: string,
  muted: boolean,
): void {
  ctx.changes.touch(conversationId);
  account.setLocal(
    [{ key: chatKey('mute', conversationId), value: muted ? MUTE_ALWAYS : null }],
    timeOrderedId(),
    Date.now(),
  );
}

/** Own watermarks moved (this device, another device, or the server said so). */
export function applyOwnReceipt(
  ctx: StoreContext,
  conversationId: string,
  deliveredSeq: number,
  readSeq: number,
): void {
  ctx.changes.touch(conversationId);
  ctx.db.transaction(() => {
    ctx.statements.ownMarks.run({ id: conversationId, deliveredSeq, readSeq });
    recountUnread(ctx, conversationId);
  })();
}

/** Recounts a chat's unread messages after its read mark or its log moved. */
export function recountUnread(ctx: StoreContext, conversationId: string): void {
  const { statements } = ctx;
  const row = statements.conversation.get(conversationId);
  if (row === undefined) return;
  if (row.read_seq >= row.counted_seq && row.read_seq >= row.last_seq) {
    statements.setUnread.run(0, conversationId);
    return;
  }
  // Exact when everything after readSeq is cached; otherwise keep the server's figure.
  if (row.history_complete === 1 || row.oldest_seq <= row.read_seq + 1) {
    const count = statements.countUnread.get(conversationId, row.read_seq, ctx.userId)?.n ?? 0;
    statements.setUnread.run(count, conversationId);
  }
}
