import type { DeleteAccountBody } from '@chitchat/shared';
import type { Store } from '../store/types';
import type { JoinRequestRecord } from '../store/group-link-types';
import { StoreRefusal } from '../store/types';
import type { AccessClaims } from './tokens';
import type { AccountsService, SessionListener } from './accounts';
import type { ConversationsService } from './conversations';
import { forbidden, unauthorized } from './errors';
import type { MediaService } from './media';
import type { ProfilesService } from './profiles';
import { hasPassword } from './passwords';
import type { SsoService } from './sso';

/** How recent a single sign-on must be to stand in for a password (DESIGN §12). */
export const RECENT_SSO_MS = 10 * 60 * 1000;

/**
 * Delete account (issue #15, DESIGN §12). What others received stays with them, from "Deleted
 * account"; what was the person's goes: profile, devices, account state, memberships, uploads.
 */
export function createAccountDeletionService(deps: {
  store: Store;
  accounts: Pick<AccountsService, 'confirmPassword'>;
  conversations: Pick<ConversationsService, 'leaveForDeletion' | 'pushSummaries'>;
  profiles: Pick<ProfilesService, 'announce'>;
  sessions: SessionListener;
  sso: Pick<SsoService, 'recentSsoSignIn'>;
  /** The provider's name for messages (`OIDC_NAME`). */
  ssoName?: string | undefined;
  media?: Pick<MediaService, 'removeUploadsOf'> | undefined;
  /** Tells the admins that the person's join requests are withdrawn (./invite-links.ts). */
  joinRequestsWithdrawn?: (records: readonly JoinRequestRecord[]) => Promise<void>;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;

  /** The password, or for an account made by single sign-on, a sign-in through it on this device in the last ten minutes. */
  async function confirm(auth: AccessClaims, password: string | undefined, address: string) {
    const user = await deps.store.getUser(auth.userId);
    if (user === null || user.disabledAt !== null) throw unauthorized();
    const provider = deps.ssoName ?? 'single sign-on';
    if (!hasPassword(user)) {
      if (!(await deps.sso.recentSsoSignIn(auth.deviceId, RECENT_SSO_MS))) {
        throw forbidden(
          `Sign in again with ${provider} on this device, then delete the account within ten minutes.`,
        );
      }
      return;
    }
    if (password === undefined) throw forbidden('Type your password to delete the account.');
    await deps.accounts.confirmPassword(auth, password, address);
  }

  return {
    /**
     * Deletes the signed-in person's account once their password confirms it (wrong: 403, counted
     * like a failed login). In this order: the account becomes a tombstone and every device is
     * signed out at once (`session:revoked { reason: 'account_deleted' }`); everyone sharing a chat
     * gets `user:changed` with the "Deleted account" identity; each group is left as
     * by group:leave, ownership passing to the longest-serving admin, else member; each direct
     * chat's peer gets the chat's summary with the "Deleted account" peer; the uploads and their
     * bytes are deleted; the admins of a group it asked to join hear the request withdrawn. A failure after the tombstone leaves a state the operator can finish with
     * the same steps: the tombstone already refuses every sign-in.
     */
    async deleteAccount(
      auth: AccessClaims,
      body: DeleteAccountBody,
      address: string,
    ): Promise<void> {
      await confirm(auth, body.password, address);
      let deletion;
      try {
        deletion = await deps.store.deleteAccount(auth.userId, now());
      } catch (error) {
        if (error instanceof StoreRefusal && error.reason === 'last_admin') {
          throw forbidden(
            'You are the only admin of this server: make someone else an admin before deleting your account.',
          );
        }
        throw error;
      }
      if (deletion === null) throw unauthorized();
      for (const deviceId of deletion.deviceIds) {
        deps.sessions.deviceRevoked(deviceId, 'account_deleted');
      }
      // Everyone who shares a chat with the person sees "Deleted account" at once, in every chat
      // (their old group messages included), before the memberships end.
      await deps.profiles.announce(auth.userId);
      await deps.conversations.leaveForDeletion(auth, deletion.groupIds);
      for (const { conversationId, peerId } of deletion.directChats) {
        await deps.conversations.pushSummaries(conversationId, [peerId]);
      }
      await deps.joinRequestsWithdrawn?.(deletion.joinRequests);
      await deps.media?.removeUploadsOf(auth.userId);
    },
  };
}

export type AccountDeletionService = ReturnType<typeof createAccountDeletionService>;
