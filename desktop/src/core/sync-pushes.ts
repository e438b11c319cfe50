import type { LogEntry, SessionRevoked } from '@chitchat/shared';
import type { AccountSync } from './account-sync';
import type { LocalStore } from './local-store/index';
import type { PlayedMarks } from './played-marks';
import type { ClientSocket, SyncListener } from './sync-engine';
import type { TypingTracker } from './typing-tracker';

/** What the state pushes change: the sync engine's parts (sync-engine.ts). */
export interface PushContext {
  store: LocalStore;
  listener: SyncListener;
  typing: TypingTracker;
  played: PlayedMarks;
  account: AccountSync;
  /** Runs the task in the engine's queue, after the catch-up and live events before it. */
  enqueue(task: () => Promise<void>): void;
  onLiveEvent(event: LogEntry): Promise<void>;
  catchUpOrRetry(conversationId: string): Promise<void>;
}

/**
 * The server's pushes about the account's state (DESIGN §5, §6): live events, summaries,
 * receipts, played marks, typing, presence, account state, invitations, join requests and people's
 * profiles. Whatever changes the cache goes through the engine's queue, so it lands in order with
 * the catch-up; typing and presence only show.
 */
export function wireStatePushes(socket: ClientSocket, ctx: PushContext): void {
  socket.on('event', (event) => {
    ctx.enqueue(() => ctx.onLiveEvent(event));
  });
  socket.on('conversation', (summary) => {
    ctx.enqueue(async () => {
      ctx.store.applySummary(summary);
      ctx.listener.changed({ list: true, conversations: [summary.id] });
      const row = ctx.store.conversation(summary.id);
      if (row !== null && summary.lastSeq > row.last_seq) await ctx.catchUpOrRetry(summary.id);
    });
  });
  socket.on('receipt', (update) => {
    ctx.enqueue(async () => {
      if (update.userId === ctx.store.userId) {
        ctx.store.applyOwnReceipt(update.conversationId, update.deliveredSeq, update.readSeq);
        ctx.listener.changed({ list: true, conversations: [] });
      } else {
        ctx.store.applyMemberReceipt(
          update.conversationId,
          update.userId,
          update.deliveredSeq,
          update.readSeq,
        );
        ctx.listener.changed({ list: false, conversations: [update.conversationId] });
      }
    });
  });
  socket.on('receipt:group', (update) => {
    ctx.enqueue(async () => {
      ctx.store.applyGroupReceipt(update.conversationId, update.deliveredSeq, update.readSeq);
      ctx.listener.changed({ list: false, conversations: [update.conversationId] });
    });
  });
  socket.on('receipt:played', (receipt) => {
    ctx.enqueue(async () => ctx.played.onPush(receipt));
  });
  socket.on('typing', (update) => {
    ctx.typing.setPerson(update.conversationId, update.userId, update.typing);
  });
  socket.on('presence', (info) => ctx.listener.presence(info));
  socket.on('account:changed', (update) => {
    ctx.enqueue(() => ctx.account.onChanged(update));
  });
  socket.on('invitation', () => ctx.listener.invitation());
  socket.on('join-request', (update) => ctx.listener.joinRequest(update));
  // Someone's name, photo or about as this account may see them (issue #15): avatars and
  // headers follow live, and the cache keeps it for offline.
  socket.on('user:changed', (user) => {
    ctx.enqueue(async () => {
      ctx.store.upsertUsers([user]);
      ctx.listener.changed({ list: true, conversations: [] });
      if (user.id === ctx.store.userId) ctx.listener.ownProfile(user);
    });
  });
}

/** What the person is told when the server signs this device out. */
export function revokedMessage(reason: SessionRevoked['reason']): string {
  switch (reason) {
    case 'token_reuse':
      return 'This sign-in was ended for safety (its token was used twice); sign in again.';
    case 'disabled':
      return 'Your account was disabled by an admin of this server.';
    case 'password_changed':
      return 'Your password was changed on another device; sign in with the new password.';
    case 'account_deleted':
      return 'Your account was deleted.';
    case 'revoked':
    case 'logged_out':
      return 'This device was signed out.';
    default:
      // A reason from a newer server.
      return 'This device was signed out.';
  }
}
