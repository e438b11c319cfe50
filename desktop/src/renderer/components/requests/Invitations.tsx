import { useEffect, useState } from 'react';
import type { GroupInvitation } from '@chitchat/shared';
import { errorText } from '../../format';
import type { AppStore } from '../../state/store';

/** Group invitations from people who are not your contacts, with Accept / Decline. */
export function Invitations({ store }: { store: AppStore }) {
  const [invitations, setInvitations] = useState<GroupInvitation[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const refresh = () => {
      store.chat.listInvitations().then(setInvitations, () => setInvitations([]));
    };
    refresh();
    const stopInvitations = store.chat.on('invitations', refresh);
    const stopConnection = store.chat.on('connection', (state) => {
      if (state === 'online') refresh();
    });
    return () => {
      stopInvitations();
      stopConnection();
    };
  }, [store]);
  if (invitations.length === 0) return null;
  const answer = (work: Promise<unknown>, conversationId: string) => {
    work.then(
      () => setInvitations((all) => all.filter((i) => i.conversationId !== conversationId)),
      (e: unknown) => setError(errorText(e)),
    );
  };
  return (
    <section className="invitations" aria-label="Group invitations">
      <ul role="list">
        {invitations.map((i) => (
          <li key={i.conversationId} className="list-note">
            <span dir="auto">
              <strong>{i.inviter.displayName}</strong> invited you to{' '}
              <strong>{i.title ?? 'a group'}</strong> ({i.memberCount} members)
            </span>
            <span className="toolbar">
              <button
                className="primary"
                onClick={() =>
                  answer(
                    store.chat.acceptInvitation(i.conversationId).then((c) => store.open(c.id)),
                    i.conversationId,
                  )
                }
              >
                Accept
              </button>
              <button
                onClick={() =>
                  answer(store.chat.declineInvitation(i.conversationId), i.conversationId)
                }
              >
                Decline
              </button>
            </span>
          </li>
        ))}
      </ul>
      {error && <p role="alert">{error}</p>}
    </section>
  );
}
