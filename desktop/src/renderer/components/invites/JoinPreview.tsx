import { useEffect, useState } from 'react';
import type { InviteLinkPreviewView } from '../../../common/contract';
import { errorCode, errorText } from '../../format';
import { useAppState, type AppStore } from '../../state/store';
import { Avatar } from '../Avatar';
import { ErrorNote } from '../ErrorNote';

/** Why a link cannot be used, in words (the server says `not_found` for every dead link). */
function linkError(error: unknown): string {
  switch (errorCode(error)) {
    case 'not_found':
      return 'This invite link was reset or has expired. Ask an admin of the group for a new one.';
    case 'invalid_payload':
      return 'That is not a group invite link.';
    case 'payload_too_large':
      return 'This group is full.';
    case 'forbidden':
      return "You can't join this group.";
    default:
      return errorText(error);
  }
}

/**
 * An invite link opened (pasted into "New chat" or clicked in a message): the group's photo, name,
 * description and member count, then "Join group" (the chat opens) or, where admins approve new
 * members, "Request to join" ("Request sent", with Cancel, until an admin answers).
 */
export function JoinPreview({ store, link }: { store: AppStore; link: string }) {
  const [preview, setPreview] = useState<InviteLinkPreviewView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    store.chat.previewInviteLink(link).then(setPreview, (e: unknown) => setProblem(linkError(e)));
  }, [store, link]);

  // The answer to a request: approved opens the chat once it is in the list.
  const conversationId = preview?.conversationId ?? null;
  const [approved, setApproved] = useState(false);
  const listed = useAppState(
    store,
    (st) => conversationId !== null && st.conversations.some((c) => c.id === conversationId),
  );
  useEffect(() => {
    if (!approved || !listed || conversationId === null) return;
    store.set({ panel: null });
    store.open(conversationId);
  }, [store, approved, listed, conversationId]);
  useEffect(() => {
    if (conversationId === null) return;
    const status = (next: InviteLinkPreviewView['status']) =>
      setPreview((p) => (p === null ? p : { ...p, status: next }));
    return store.chat.on('myJoinRequest', (update) => {
      if (update.conversationId !== conversationId) return;
      if (update.status === 'accepted') {
        status('member');
        setApproved(true);
      } else if (update.status === 'rejected') {
        status(null);
        setNote('An admin declined your request.');
      } else status(update.status === 'pending' ? 'pending' : null);
    });
  }, [store, conversationId]);

  if (problem !== null) return <ErrorNote store={store}>{problem}</ErrorNote>;
  if (preview === null) return <p className="muted">Opening the invite link…</p>;

  const openChat = () => {
    store.set({ panel: null });
    store.open(preview.conversationId);
  };
  const join = () => {
    setBusy(true);
    setNote(null);
    store.chat
      .joinByInviteLink(preview.code)
      .then(
        (outcome) => {
          if (outcome.status === 'joined') {
            store.set({ panel: null });
            store.open(outcome.conversation.id);
          } else setPreview({ ...preview, status: 'pending' });
        },
        (e: unknown) => setProblem(linkError(e)),
      )
      .finally(() => setBusy(false));
  };
  const cancel = () => {
    setBusy(true);
    store.chat
      .cancelJoinRequest(preview.conversationId)
      .then(
        () => setPreview({ ...preview, status: null }),
        (e: unknown) => setNote(errorText(e)),
      )
      .finally(() => setBusy(false));
  };
  const title = preview.title ?? 'Group';

  return (
    <div className="stack join-preview">
      <div className="info-hero">
        <Avatar
          id={preview.conversationId}
          name={title}
          size={72}
          photo={preview.avatar}
          invite={preview.code}
        />
        <h3 dir="auto">{title}</h3>
        <p className="muted">
          Group · {preview.memberCount} {preview.memberCount === 1 ? 'member' : 'members'}
        </p>
        {preview.description && (
          <p className="join-description" dir="auto">
            {preview.description}
          </p>
        )}
      </div>
      {preview.status === 'member' ? (
        <>
          <p>You're a member of this group.</p>
          <button type="button" className="primary" onClick={openChat}>
            Open chat
          </button>
        </>
      ) : preview.status === 'pending' ? (
        <>
          <p role="status">Request sent. An admin of the group will answer it.</p>
          <button type="button" disabled={busy} onClick={cancel}>
            Cancel request
          </button>
        </>
      ) : (
        <>
          {preview.approveJoins && (
            <p className="muted">An admin must approve your request to join.</p>
          )}
          <button type="button" className="primary" disabled={busy} onClick={join}>
            {preview.approveJoins ? 'Request to join' : 'Join group'}
          </button>
        </>
      )}
      {note && <p role="status">{note}</p>}
    </div>
  );
}
