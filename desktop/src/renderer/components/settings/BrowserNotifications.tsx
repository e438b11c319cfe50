import { useCallback, useEffect, useState } from 'react';
import type { BrowserPushBridge, BrowserPushState } from '../../../common/shell';
import { errorText } from '../../format';
import type { AppStore } from '../../state/store';
import './settings.css';

const STATE_WORDS: Record<BrowserPushState, string> = {
  unsupported: 'This browser cannot show notifications from chitchat.',
  denied: 'Blocked in this browser’s site settings. Allow notifications there to turn them on.',
  off: 'Off: you see new messages only while chitchat is open.',
  on: 'On: new messages show even when chitchat is closed.',
};

/**
 * Settings → Notifications → "Notifications on this browser", in the web app only (issue #17):
 * Web Push for this browser. The permission
 * is asked only from the "Turn on" click; the browser subscribes, then the server is told (and
 * the reverse for "Turn off"). The desktop app has no such row: its notifications are the OS's.
 */
export function BrowserNotifications({
  store,
  push,
}: {
  store: AppStore;
  push: BrowserPushBridge;
}) {
  const [state, setState] = useState<BrowserPushState | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const reread = useCallback(() => {
    push.state().then(setState, () => setState('unsupported'));
  }, [push]);
  useEffect(reread, [reread]);

  const act = (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    work()
      .catch((e: unknown) => setError(errorText(e)))
      .finally(() => {
        setBusy(false);
        reread();
      });
  };
  const turnOn = () =>
    act(async () => {
      const key = await store.chat.getPushKey();
      const subscription = await push.subscribe(key);
      try {
        await store.chat.setPushSubscription(subscription);
      } catch (e) {
        // The server does not know it: no subscription left behind that nothing would use.
        await push.unsubscribe();
        throw e;
      }
    });
  const turnOff = () =>
    act(async () => {
      await push.unsubscribe();
      await store.chat.setPushSubscription(null);
    });

  return (
    <>
      <div className="push-row">
        <div>
          <div className="row-title">Notifications on this browser</div>
          {state !== null && <p className="muted">{STATE_WORDS[state]}</p>}
        </div>
        {state === 'off' && (
          <button type="button" disabled={busy} onClick={turnOn}>
            Turn on
          </button>
        )}
        {state === 'on' && (
          <button type="button" disabled={busy} onClick={turnOff}>
            Turn off
          </button>
        )}
      </div>
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
