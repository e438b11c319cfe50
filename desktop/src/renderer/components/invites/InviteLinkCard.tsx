import type { AppStore } from '../../state/store';
import { inviteLinkIn } from './inviteLinkIn';
import './invites.css';

/**
 * Under a message holding a group invite link: "Open group invite", which shows the group and
 * asks to join inside the app (the link is never handed to the browser).
 */
export function InviteLinkCard({ store, text }: { store: AppStore; text: string | null }) {
  const link = text === null ? null : inviteLinkIn(text);
  if (link === null) return null;
  return (
    <button
      type="button"
      className="link-preview invite-link-card"
      onClick={() => store.set({ panel: { kind: 'join', link } })}
    >
      Open group invite
    </button>
  );
}
