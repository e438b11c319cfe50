import { useEffect, useState } from 'react';
import type { InviteLink } from '@chitchat/shared';
import type { ConversationView } from '../../../common/contract';
import { errorText } from '../../format';
import type { AppStore } from '../../state/store';
import { ErrorNote } from '../ErrorNote';
import { QrCode } from '../settings/QrCode';
import { JoinRequests } from './JoinRequests';

/** How long a new link works, as offered ("Never" is the server's default). */
const EXPIRY_CHOICES: { label: string; seconds: number | null }[] = [
  { label: 'Never', seconds: null },
  { label: '1 hour', seconds: 3600 },
  { label: '1 day', seconds: 86_400 },
  { label: '7 days', seconds: 7 * 86_400 },
  { label: '30 days', seconds: 30 * 86_400 },
];

const until = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** What to hand a person: the link when the server knows its address, else the code. */
const shareText = (link: InviteLink) => link.url ?? link.code;

/**
 * "Invite via link" in a group's info panel, for its owner and admins: create the link (with an
 * expiry), copy it, show it as a QR code, "Reset link" (the old one stops working, a new one is
 * made, as WhatsApp), "Approve new members", and the queue of pending requests.
 */
export function InviteLinkSection({
  store,
  conversation: c,
}: {
  store: AppStore;
  conversation: ConversationView;
}) {
  /** The newest working link; undefined while loading, null when there is none. */
  const [link, setLink] = useState<InviteLink | null | undefined>(undefined);
  /** The choice just made, shown until the server's answer reaches the view (null: none). */
  const [pendingApprove, setPendingApprove] = useState<boolean | null>(null);
  const [expiry, setExpiry] = useState(0);
  const [qr, setQr] = useState(false);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fail = (e: unknown) => setError(errorText(e));

  useEffect(() => {
    store.chat.listInviteLinks(c.id).then((links) => setLink(links[0] ?? null), fail);
  }, [store, c.id]);
  // Whether joins wait for approval: the group's own state in its view, so a change made by
  // another admin (or on another device) shows here live.
  const approve = pendingApprove ?? c.group?.permissions.approveJoins ?? false;

  const create = () => {
    setError(null);
    const seconds = EXPIRY_CHOICES[expiry]?.seconds ?? null;
    return store.chat
      .createInviteLink({
        conversationId: c.id,
        ...(seconds !== null ? { expiresInS: seconds } : {}),
      })
      .then(setLink, fail);
  };
  const reset = (current: InviteLink) => {
    if (!window.confirm('Reset this link? Nobody can join with the old link any more.')) return;
    setError(null);
    setCopied(false);
    store.chat.revokeInviteLink({ conversationId: c.id, code: current.code }).then(create, fail);
  };
  const copy = (current: InviteLink) => {
    navigator.clipboard.writeText(shareText(current)).then(
      () => setCopied(true),
      () => setError('Could not copy the link.'),
    );
  };
  const setApproval = (on: boolean) => {
    setError(null);
    setPendingApprove(on);
    store.chat
      .updateGroup({ conversationId: c.id, permissions: { approveJoins: on } })
      .catch(fail)
      .finally(() => setPendingApprove(null));
  };

  return (
    <section className="stack invite-link-section" aria-labelledby="invite-link-heading">
      <h3 id="invite-link-heading">Invite via link</h3>
      {link === null && (
        <div className="inline-form">
          <label>
            Link works for
            <select value={expiry} onChange={(e) => setExpiry(Number(e.target.value))}>
              {EXPIRY_CHOICES.map((choice, index) => (
                <option key={choice.label} value={index}>
                  {choice.label}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="primary" onClick={() => void create()}>
            Create invite link
          </button>
        </div>
      )}
      {link && (
        <>
          <code className="two-step-uri invite-link-text" aria-label="Invite link">
            {shareText(link)}
          </code>
          <p className="muted">
            {link.expiresAt === null
              ? 'Never expires'
              : `Works until ${until.format(link.expiresAt)}`}
            {link.url === null && ' · The server has no public address: share the code.'}
          </p>
          <span className="toolbar">
            <button type="button" onClick={() => copy(link)}>
              {copied ? 'Copied' : link.url ? 'Copy link' : 'Copy code'}
            </button>
            <button type="button" aria-expanded={qr} onClick={() => setQr(!qr)}>
              {qr ? 'Hide QR code' : 'QR code'}
            </button>
            <button type="button" className="danger" onClick={() => reset(link)}>
              Reset link
            </button>
          </span>
          {qr && (
            <QrCode text={shareText(link)} label={`QR code of the invite link to ${c.title}`} />
          )}
          <label className="checkbox">
            <input
              type="checkbox"
              checked={approve}
              onChange={(e) => setApproval(e.target.checked)}
            />
            Approve new members
          </label>
        </>
      )}
      <JoinRequests store={store} conversationId={c.id} />
      {error && <ErrorNote store={store}>{error}</ErrorNote>}
    </section>
  );
}
