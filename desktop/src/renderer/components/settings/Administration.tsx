import { useCallback, useEffect, useState } from 'react';
import type { RegistrationMode } from '@chitchat/shared';
import type { AdminOverview } from '../../../common/contract';
import { errorText } from '../../format';
import type { AppStore } from '../../state/store';
import { ErrorNote } from '../ErrorNote';
import { AdminInvites } from './AdminInvites';
import { AdminUsers } from './AdminUsers';
import './settings.css';

const REGISTRATION_TEXT: Record<RegistrationMode, string> = {
  invite: 'Invite only: new people need an invite code or link from an admin.',
  open: 'Open: anyone who can reach this server can create an account.',
  closed: 'Closed: only the operator creates accounts (npm run admin).',
};

/**
 * Settings → Administration, shown to admins only: the server's registration mode, its users
 * (search, disable or enable, make or remove admin) and invites (create, copy, revoke). Every
 * action is the server's to allow; what is shown is re-read after each.
 */
export function Administration({ store, myUserId }: { store: AppStore; myUserId: string }) {
  const [overview, setOverview] = useState<AdminOverview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    store.chat.adminOverview().then(
      (next) => {
        setOverview(next);
        setError(null);
      },
      (e: unknown) => setError(errorText(e)),
    );
  }, [store]);
  useEffect(reload, [reload]);

  return (
    <section aria-labelledby="admin-heading" className="stack">
      <h3 id="admin-heading">Administration</h3>
      {overview && (
        <>
          <p>
            <span className="row-title">Registration</span>{' '}
            <span className="muted">{REGISTRATION_TEXT[overview.server.registration]}</span>
          </p>
          <AdminUsers
            store={store}
            users={overview.users}
            myUserId={myUserId}
            onChanged={reload}
            onError={(e) => setError(errorText(e))}
          />
          <AdminInvites
            store={store}
            invites={overview.invites}
            publicUrl={overview.server.publicUrl}
            onChanged={reload}
            onError={(e) => setError(errorText(e))}
          />
        </>
      )}
      {error && (
        <ErrorNote store={store} onRetry={reload}>
          {error}
        </ErrorNote>
      )}
    </section>
  );
}
