import { useState } from 'react';
import { errorText } from '../../format';
import type { AppStore } from '../../state/store';
import { Avatar } from '../Avatar';
import { ErrorNote } from '../ErrorNote';
import { useJoinRequests } from './useJoinRequests';
import './invites.css';

/**
 * "Pending requests (N)" in a group's info panel (owner/admins): opens the approval queue, each
 * request with the person's photo, name and username and Approve / Reject. The count and the list
 * follow every admin device live.
 */
export function JoinRequests({
  store,
  conversationId,
}: {
  store: AppStore;
  conversationId: string;
}) {
  const requests = useJoinRequests(store, conversationId);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const answer = (userId: string, accept: boolean) => {
    setBusy(userId);
    setError(null);
    store.chat
      .answerJoinRequest({ conversationId, userId, accept })
      .catch((e: unknown) => setError(errorText(e)))
      .finally(() => setBusy(null));
  };
  if (requests.length === 0 && error === null) return null;
  return (
    <div className="stack join-requests">
      <button
        type="button"
        className="person-row join-requests-toggle"
        aria-expanded={open}
        aria-controls="join-request-list"
        onClick={() => setOpen(!open)}
      >
        <span className="row-title">Pending requests</span>
        <span className="unread-pill" aria-hidden="true">
          {requests.length}
        </span>
        <span className="visually-hidden">({requests.length})</span>
      </button>
      {open && (
        <ul id="join-request-list" className="people" role="list" aria-label="Pending requests">
          {requests.map((r) => (
            <li key={r.user.id} className="member-row">
              <Avatar id={r.user.id} name={r.user.displayName} size={32} photo={r.user.photo} />
              <span className="member-name" dir="auto">
                {r.user.displayName}
                <span className="muted"> @{r.user.username}</span>
              </span>
              <span className="member-actions">
                <button
                  type="button"
                  className="primary"
                  disabled={busy !== null}
                  aria-label={`Approve ${r.user.displayName}`}
                  onClick={() => answer(r.user.id, true)}
                >
                  Approve
                </button>
                <button
                  type="button"
                  className="danger"
                  disabled={busy !== null}
                  aria-label={`Reject ${r.user.displayName}`}
                  onClick={() => answer(r.user.id, false)}
                >
                  Reject
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      {error && <ErrorNote store={store}>{error}</ErrorNote>}
    </div>
  );
}
