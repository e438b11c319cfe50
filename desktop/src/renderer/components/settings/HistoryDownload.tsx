import { useEffect, useState } from 'react';
import type { HistoryDownloadState } from '../../../common/contract';
import { errorText } from '../../format';
import type { AppStore } from '../../state/store';
import { ErrorNote } from '../ErrorNote';
import '../gallery/gallery.css';

const chats = (n: number) => `${n.toLocaleString()} ${n === 1 ? 'chat' : 'chats'}`;

/**
 * Settings → Chat history: "Download all history" (issue #16). The engine pages every chat's
 * older messages in the background and carries on after a restart; this shows where it stands
 * from the `historyDownload` event ("12 of 40 chats") and says when it is complete.
 */
export function HistoryDownload({ store }: { store: AppStore }) {
  const [state, setState] = useState<HistoryDownloadState | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    const off = store.chat.on('historyDownload', setState);
    store.chat.getHistoryDownload().then(
      (now) => !cancelled && setState(now),
      (e: unknown) => !cancelled && setError(errorText(e)),
    );
    return () => {
      cancelled = true;
      off();
    };
  }, [store]);
  const start = () => {
    setError(null);
    store.chat.downloadAllHistory().then(setState, (e: unknown) => setError(errorText(e)));
  };
  const complete = state !== null && !state.active && state.chatsComplete >= state.chats;
  return (
    <section className="history-download" aria-labelledby="history-heading">
      <h3 id="history-heading">Chat history</h3>
      <p className="muted">
        This device keeps the recent messages of each chat and fetches older ones as you scroll.
        Download all history to read and search every chat offline.
      </p>
      {state?.active === true && (
        <>
          <progress
            max={Math.max(1, state.chats)}
            value={state.chatsComplete}
            aria-label="History downloaded"
          />
          <p role="status">
            Downloading history… {state.chatsComplete.toLocaleString()} of {chats(state.chats)}
          </p>
        </>
      )}
      {complete && (
        <p role="status">
          All history is on this device ({chats(state.chats)}); search covers every message.
        </p>
      )}
      {state !== null && !state.active && !complete && (
        <button type="button" onClick={start}>
          Download all history
        </button>
      )}
      {error !== null && (
        <ErrorNote store={store} onRetry={start}>
          {error}
        </ErrorNote>
      )}
    </section>
  );
}
