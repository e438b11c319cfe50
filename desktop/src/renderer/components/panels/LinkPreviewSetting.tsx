import { useEffect, useState } from 'react';
import type { AppStore } from '../../state/store';

/** Turns link previews on or off for this device (the engine makes none while off). */
export function LinkPreviewSetting({
  store,
  onError,
}: {
  store: AppStore;
  onError: (error: unknown) => void;
}) {
  const [enabled, setEnabled] = useState<boolean | null>(null);
  useEffect(() => {
    let cancelled = false;
    store.chat.getPreferences().then(
      (p) => !cancelled && setEnabled(p.linkPreviews),
      (e: unknown) => !cancelled && onError(e),
    );
    return () => {
      cancelled = true;
    };
  }, [store, onError]);
  return (
    <section>
      <h3>Chats</h3>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={enabled ?? true}
          disabled={enabled === null}
          onChange={(e) => {
            const linkPreviews = e.target.checked;
            setEnabled(linkPreviews);
            store.chat
              .setPreferences({ linkPreviews })
              .then((p) => setEnabled(p.linkPreviews), onError);
          }}
        />
        Link previews
      </label>
      <p className="muted">
        Shows a card for links you type, made by this device. People you write to never load the
        link themselves.
      </p>
    </section>
  );
}
