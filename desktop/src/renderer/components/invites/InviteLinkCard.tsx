import { useEffect, useState } from 'react';
import type { InviteLinkPreviewView } from '../../../common/contract';
import { errorCode } from '../../format';
import { useAppState, type AppStore } from '../../state/store';
import { Avatar } from '../Avatar';
import { inviteLinkIn } from './inviteLinkIn';
import './invites.css';

/** What the card knows of the link: loading (null), the group, or that the link no longer works. */
type CardState = InviteLinkPreviewView | 'gone' | null;

/**
 * A message holding a group invite link shows the group as WhatsApp does: its photo, name and
 * member count, and "Join group" (opens the join preview, which asks) or, for a member, "View
 * group" (opens the chat). A link that no longer works says so. The link never goes to the browser.
 */
export function InviteLinkCard({ store, text }: { store: AppStore; text: string | null }) {
  const link = text === null ? null : inviteLinkIn(text);
  const [state, setState] = useState<CardState>(null);
  useEffect(() => {
    if (link === null) return;
    let cancelled = false;
    store.chat.previewInviteLink(link).then(
      (preview) => !cancelled && setState(preview),
      // Offline or a passing failure: the card still opens the preview, which says what is wrong.
      (e: unknown) => !cancelled && setState(errorCode(e) === 'not_found' ? 'gone' : null),
    );
    return () => {
      cancelled = true;
    };
  }, [store, link]);
  const preview = state === 'gone' ? null : state;
  // Joined since the card loaded (here or on another device): the group is in the list now.
  const joined = useAppState(store, (st) =>
    st.conversations.some((c) => c.id === preview?.conversationId && c.status === 'active'),
  );
  if (link === null) return null;

  const title = preview === null ? 'Group invite' : (preview.title ?? 'Group');
  const member = preview?.status === 'member' || joined;
  const open = () => {
    if (preview !== null && member) {
      store.set({ panel: null });
      store.open(preview.conversationId);
    } else store.set({ panel: { kind: 'join', link } });
  };
  return (
    <div className="invite-card" role="group" aria-label={`Group invite: ${title}`}>
      <div className="invite-card-head">
        <Avatar
          id={preview?.conversationId ?? link}
          name={title}
          size={48}
          photo={preview?.avatar ?? null}
          {...(preview === null ? {} : { invite: preview.code })}
        />
        <span className="invite-card-text">
          <span className="invite-card-title" dir="auto">
            {title}
          </span>
          <span className="invite-card-sub">
            {state === 'gone'
              ? 'This invite link was reset or has expired'
              : preview === null
                ? 'Group invite link'
                : `Group invite · ${preview.memberCount} ${preview.memberCount === 1 ? 'member' : 'members'}`}
          </span>
        </span>
      </div>
      {state !== 'gone' && (
        <button type="button" className="invite-card-button" onClick={open}>
          {member ? 'View group' : 'Join group'}
        </button>
      )}
    </div>
  );
}
