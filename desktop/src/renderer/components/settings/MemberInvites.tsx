import { useCallback, useEffect, useState } from 'react';
import type { Invite } from '@chitchat/shared';
import { errorCode, errorText } from '../../format';
import type { AppStore } from '../../state/store';
import { ErrorNote } from '../ErrorNote';
import { AdminInvites } from './AdminInvites';
import './settings.css';

/**
 * Settings → Invite people, for members of a server that lets members invite (MEMBER_INVITES,
 * issue #18): their own single-use invites, made, copied and revoked as an admin's are. On a
 * server that does not, the server answers `forbidden` and the section is not shown at all.
 */
export function MemberInvites({ store }: { store: AppStore }) {
  const [invites, setInvites] = useState<Invite[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    store.chat.listInvites().then(
      (next) => {
        setInvites(next);
        setError(null);
      },
      (e: unknown) => {
        if (errorCode(e) === 'forbidden') setInvites(null);
        else setError(errorText(e));
      },
    );
  }, [store]);
  useEffect(reload, [reload]);
  if (invites === null && error === null) return null;
  return (
    <section aria-labelledby="admin-invites-heading" className="stack">
      {invites !== null && (
        <AdminInvites
          store={store}
          invites={invites}
          publicUrl={invites.find((invite) => invite.link !== undefined) ? '' : null}
          onChanged={reload}
          onError={(e) => setError(errorText(e))}
          singleUse
          heading="Invite people"
        />
      )}
      {error && (
        <ErrorNote store={store} onRetry={reload}>
          {error}
        </ErrorNote>
      )}
    </section>
  );
}
