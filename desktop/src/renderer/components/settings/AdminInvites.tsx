import { useState, type FormEvent } from 'react';
import {
  INVITE_DEFAULT_TTL_HOURS,
  INVITE_DEFAULT_USES,
  INVITE_MAX_TTL_HOURS,
  INVITE_MAX_USES,
  type Invite,
} from '@chitchat/shared';
import type { AppStore } from '../../state/store';

const expiry = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** What to hand a person: the link when the server knows its address, else the code. */
const shareText = (invite: Invite) => invite.link ?? invite.code;

/**
 * Administration → Invites: make one (uses, hours), copy its link or code, revoke it. With
 * `singleUse` (a member's own invites, MEMBER_INVITES): each admits one person, so no uses field.
 */
export function AdminInvites({
  store,
  invites,
  publicUrl,
  onChanged,
  onError,
  singleUse = false,
  heading = 'Invites',
}: {
  store: AppStore;
  invites: Invite[];
  publicUrl: string | null;
  onChanged: () => void;
  onError: (e: unknown) => void;
  singleUse?: boolean;
  heading?: string;
}) {
  const [uses, setUses] = useState(String(INVITE_DEFAULT_USES));
  const [hours, setHours] = useState(String(INVITE_DEFAULT_TTL_HOURS));
  const [copied, setCopied] = useState<string | null>(null);

  const create = (e: FormEvent) => {
    e.preventDefault();
    store.chat
      .adminCreateInvite({ maxUses: singleUse ? 1 : Number(uses), expiresInHours: Number(hours) })
      .then(onChanged, onError);
  };
  const copy = (invite: Invite) => {
    navigator.clipboard.writeText(shareText(invite)).then(
      () => setCopied(invite.code),
      () => setCopied(null),
    );
  };

  return (
    <div className="stack">
      {/* A member's own section (Settings → Invite people), or a part of Administration. */}
      {singleUse ? (
        <h3 id="admin-invites-heading">{heading}</h3>
      ) : (
        <h4 id="admin-invites-heading">{heading}</h4>
      )}
      {singleUse && <p className="muted">Each invite lets one person create an account.</p>}
      <form className="admin-form" onSubmit={create} aria-label="New invite">
        {!singleUse && (
          <label>
            Uses
            <input
              type="number"
              min={1}
              max={INVITE_MAX_USES}
              value={uses}
              onChange={(e) => setUses(e.target.value)}
              required
            />
          </label>
        )}
        <label>
          Valid for (hours)
          <input
            type="number"
            min={1}
            max={INVITE_MAX_TTL_HOURS}
            value={hours}
            onChange={(e) => setHours(e.target.value)}
            required
          />
        </label>
        <button type="submit" className="primary">
          Create invite
        </button>
      </form>
      {publicUrl === null && (
        <p className="muted">
          The server has no PUBLIC_URL, so invites are codes to paste on the sign-up screen.
        </p>
      )}
      <ul className="admin-list" aria-labelledby="admin-invites-heading">
        {invites.map((invite) => {
          const expired = invite.expiresAt <= Date.now();
          const usedUp = invite.uses >= invite.maxUses;
          return (
            <li key={invite.code} className="admin-row" aria-label={`Invite ${invite.code}`}>
              <span className="stack">
                <code className="two-step-uri">{shareText(invite)}</code>
                <span className="muted">
                  {invite.uses} of {invite.maxUses} used ·{' '}
                  {expired ? 'expired' : `expires ${expiry.format(invite.expiresAt)}`}
                  {usedUp ? ' · used up' : ''}
                </span>
              </span>
              <span className="row-actions">
                <button type="button" onClick={() => copy(invite)}>
                  {copied === invite.code ? 'Copied' : invite.link ? 'Copy link' : 'Copy code'}
                </button>
                <button
                  type="button"
                  className="danger"
                  aria-label={`Revoke invite ${invite.code}`}
                  onClick={() => {
                    if (!window.confirm('Revoke this invite? Nobody can use it any more.')) return;
                    store.chat.adminRevokeInvite(invite.code).then(onChanged, onError);
                  }}
                >
                  Revoke
                </button>
              </span>
            </li>
          );
        })}
      </ul>
      {invites.length === 0 && <p className="muted">No invites yet.</p>}
    </div>
  );
}
