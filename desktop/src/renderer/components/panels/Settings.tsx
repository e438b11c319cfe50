import { useCallback, useEffect, useState } from 'react';
import type { DeviceInfo } from '@chitchat/shared';
import { errorText, listTime } from '../../format';
import { useAppState, type AppStore } from '../../state/store';
import { ErrorNote } from '../ErrorNote';
import { ChangePassword } from './ChangePassword';
import { ExportData } from './ExportData';
import { HistoryDownload } from '../settings/HistoryDownload';
import { DeleteAccount } from './DeleteAccount';
import { LinkPreviewSetting } from './LinkPreviewSetting';
import { PrivacySettings } from './PrivacySettings';
import { ProfileSettings } from '../profile/ProfileSettings';
import { Administration } from '../settings/Administration';
import { MemberInvites } from '../settings/MemberInvites';
import { NotificationSettings } from '../settings/NotificationSettings';
import { TwoStepSettings } from '../settings/TwoStepSettings';
import type { AccountInfo } from '../../../common/contract';

export function Settings({ store }: { store: AppStore }) {
  const session = useAppState(store, (s) => s.session);
  const [devices, setDevices] = useState<DeviceInfo[] | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const online = useAppState(store, (s) => s.connection === 'online');
  const refresh = () => {
    store.chat.listDevices().then(
      (list) => {
        setDevices(list);
        setError(null);
      },
      (e: unknown) => setError(errorText(e)),
    );
  };
  // Asked again when the connection comes back.
  useEffect(refresh, [store, online]);
  // Role and two-step state, fresh from the server: the Administration section is for admins only.
  const [account, setAccount] = useState<AccountInfo | null>(null);
  const refreshAccount = useCallback(() => {
    store.chat.getAccountInfo().then(setAccount, () => setAccount(null));
  }, [store]);
  useEffect(refreshAccount, [refreshAccount, online]);
  const showError = useCallback((e: unknown) => setMessage(errorText(e)), []);
  if (session?.status !== 'signed_in') return null;
  return (
    <div className="stack">
      <ProfileSettings store={store} session={session} />
      <PrivacySettings
        store={store}
        user={session.user}
        onError={(e) => setMessage(errorText(e))}
      />
      {message && <p role="status">{message}</p>}
      <LinkPreviewSetting store={store} onError={showError} />
      <NotificationSettings store={store} user={session.user} onError={showError} />
      {account?.hasPassword === false ? (
        <section aria-labelledby="password-heading">
          <h3 id="password-heading">Password</h3>
          <p className="muted">
            This account signs in with single sign-on, so it has no password here.
          </p>
        </section>
      ) : (
        <ChangePassword store={store} />
      )}
      <HistoryDownload store={store} />
      <ExportData store={store} />
      {/* Single sign-on accounts have no password for a second step to follow. */}
      {account?.hasPassword === true && (
        <TwoStepSettings store={store} status={account.twoStep} onChanged={refreshAccount} />
      )}
      {account?.role === 'admin' && <Administration store={store} myUserId={session.user.id} />}
      {account !== null && account.role !== 'admin' && <MemberInvites store={store} />}
      <section>
        <h3>Devices</h3>
        <ul className="devices" role="list">
          {devices?.map((d) => (
            <li key={d.id} className="device-row">
              <span>
                <span className="row-title">{d.name}</span>
                <span className="muted">
                  {' '}
                  · {d.platform} · {d.current ? 'this device' : `active ${listTime(d.lastSeenAt)}`}
                </span>
              </span>
              {!d.current && (
                <button
                  className="danger"
                  aria-label={`Sign out ${d.name}`}
                  onClick={() => {
                    if (!window.confirm(`Sign out “${d.name}”? It will need your password again.`))
                      return;
                    store.chat
                      .revokeDevice(d.id)
                      .then(refresh, (e: unknown) => setError(errorText(e)));
                  }}
                >
                  Sign out
                </button>
              )}
            </li>
          ))}
        </ul>
        {devices !== null && devices.some((d) => !d.current) && (
          <button
            className="danger"
            onClick={() => {
              if (
                !window.confirm('Sign out every other device? Each will need your password again.')
              )
                return;
              store.chat
                .signOutOtherDevices()
                .then(refresh, (e: unknown) => setError(errorText(e)));
            }}
          >
            Sign out all other devices
          </button>
        )}
        {error && (
          <ErrorNote store={store} onRetry={refresh}>
            {error}
          </ErrorNote>
        )}
      </section>
      <button className="danger" onClick={() => void store.chat.signOut()}>
        Sign out of this device
      </button>
      <DeleteAccount store={store} hasPassword={account?.hasPassword !== false} />
    </div>
  );
}
