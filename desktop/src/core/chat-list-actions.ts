import {
  MUTE_ALWAYS,
  PINNED_CHATS_MAX,
  chatKey,
  muteValue,
  timeOrderedId,
  type AccountChatKind,
  type MuteChoice,
} from '@chitchat/shared';
import { ChatClientError } from './client-errors';
import type { ClientContext } from './client-parts';

/*
 * The chat list's own settings (issue #15): pin, archive, mark unread, mute until, drafts. Each is
 * an entry of the account state (DESIGN §3), so every device of the person converges on it: the
 * change applies to the local copy at once and waits in the account outbox until the server
 * acknowledges it (offline and across restarts), as stars do (account-actions.ts).
 */

/** Throws unless this device holds the chat. */
function requireChat({ store }: ClientContext, conversationId: string): void {
  if (store.conversation(conversationId) === null)
    throw new ChatClientError('not_found', 'No such chat.');
}

function change(
  ctx: ClientContext,
  conversationId: string,
  kind: AccountChatKind,
  value: string | number | true | null,
): void {
  ctx.store.account.setLocal(
    [{ key: chatKey(kind, conversationId), value }],
    timeOrderedId(),
    Date.now(),
  );
  ctx.listChanged();
  // Offline, the flush stops at once and the next sync sends the change.
  void ctx.engine.account.flush();
}

/** Pins a chat on top of the list (at most PINNED_CHATS_MAX), or unpins it. */
export function setPinned(ctx: ClientContext, conversationId: string, pinned: boolean): void {
  requireChat(ctx, conversationId);
  if (pinned) {
    const key = chatKey('pin', conversationId);
    const others = [...ctx.store.account.chatEntries('pin').keys()].filter(
      (k) => k !== key && ctx.store.conversation(k.slice('pin:'.length)) !== null,
    );
    if (others.length >= PINNED_CHATS_MAX)
      throw new ChatClientError(
        'pin_limit',
        `You can pin up to ${PINNED_CHATS_MAX} chats. Unpin one to pin this one.`,
      );
    if (ctx.store.account.value(key) !== null) return;
  }
  change(ctx, conversationId, 'pin', pinned ? Date.now() : null);
}

/** Archives a chat (it stays archived when new messages arrive), or brings it back. */
export function setArchived(ctx: ClientContext, conversationId: string, archived: boolean): void {
  requireChat(ctx, conversationId);
  change(ctx, conversationId, 'archive', archived ? true : null);
}

/** Marks a chat as unread (a dot in the list until it is read), or clears the mark. */
export function setMarkedUnread(ctx: ClientContext, conversationId: string, unread: boolean): void {
  requireChat(ctx, conversationId);
  change(ctx, conversationId, 'unread', unread ? true : null);
}

/** Reading a chat clears its unread mark (on every device of the person). */
export function clearUnreadMark(ctx: ClientContext, conversationId: string): void {
  if (ctx.store.account.value(chatKey('unread', conversationId)) !== null)
    change(ctx, conversationId, 'unread', null);
}

/** Mutes a chat for 8 hours, a week or always (null unmutes). */
export function setMute(
  ctx: ClientContext,
  conversationId: string,
  choice: MuteChoice | null,
): void {
  requireChat(ctx, conversationId);
  if (choice !== null && choice !== MUTE_ALWAYS && !(choice === '8h' || choice === '1w'))
    throw new ChatClientError('invalid_payload', 'Mute for 8 hours, 1 week or always.');
  change(ctx, conversationId, 'mute', choice === null ? null : muteValue(choice, Date.now()));
}

/**
 * "Delete group" for me, after exiting it (issue #15): the chat leaves the list on every device
 * of the person, with everything up to the last seq they could see; a later re-add brings it
 * back with the new membership period only.
 */
export function deleteGroupForMe(ctx: ClientContext, conversationId: string): void {
  const row = ctx.store.conversation(conversationId);
  if (row === null) throw new ChatClientError('not_found', 'No such chat.');
  if (row.kind !== 'group' || row.status !== 'left')
    throw new ChatClientError('forbidden', 'Exit the group before deleting it.');
  // Their own removal is the last seq a former member sees (the server caps lastSeq there).
  if (row.last_seq > 0) change(ctx, conversationId, 'deletedchat', row.last_seq);
}

/** How long after the last keystroke a draft goes to the server (the person's other devices). */
export const DRAFT_SEND_DELAY_MS = 1_000;

/**
 * Drafts are written locally at once (LocalStore.setDraft) and sent once typing pauses: one
 * `account:set` per pause, never one per keystroke. The newest text replaces an unsent one.
 */
export class DraftSender {
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly flush: () => Promise<void>) {}

  typed(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, DRAFT_SEND_DELAY_MS);
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
