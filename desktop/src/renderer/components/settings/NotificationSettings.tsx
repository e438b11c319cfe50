import type { SessionUser } from '../../../common/contract';
import type { AppStore } from '../../state/store';
import { BrowserNotifications } from './BrowserNotifications';

/**
 * Settings → Notifications. "Show previews" is the account's (every device of it, and Web Push,
 * follow it): off, a notification says "New message" without the line. The web app adds its
 * browser's Web Push row; the desktop app's notifications are the OS's, with nothing to turn on.
 */
export function NotificationSettings({
  store,
  user,
  onError,
}: {
  store: AppStore;
  user: SessionUser;
  onError: (error: unknown) => void;
}) {
  const push = window.chitchatShell?.push;
  return (
    <section aria-labelledby="notifications-heading">
      <h3 id="notifications-heading">Notifications</h3>
      <label className="setting checkbox-setting">
        <input
          type="checkbox"
          checked={user.notificationPreviews ?? true}
          onChange={(e) => {
            store.chat.updateProfile({ notificationPreviews: e.target.checked }).catch(onError);
          }}
        />
        Show previews
      </label>
      <p className="muted">
        Off: notifications on all your devices say “New message” without showing what it says.
      </p>
      {push && <BrowserNotifications store={store} push={push} />}
    </section>
  );
}
