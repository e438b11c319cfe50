import { useEffect, useState } from 'react';
import type { AppStore } from '../state/store';

/**
 * "Continue with <provider>" (issue #18), shown when the server at `serverUrl` offers single
 * sign-on; asks the server (through the engine) once the address has stopped changing.
 */
export function SsoSignIn({
  store,
  serverUrl,
  busy,
  onSignIn,
}: {
  store: AppStore;
  serverUrl: string;
  busy: boolean;
  onSignIn: (providerName: string) => void;
}) {
  const [provider, setProvider] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    setProvider(null);
    // Typing an address asks nothing until a pause: every keystroke is not a server to ask.
    const timer = setTimeout(() => {
      store.chat.getAuthOptions(serverUrl).then(
        (options) => {
          if (current) setProvider(options.sso?.name ?? null);
        },
        () => undefined,
      );
    }, 400);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [store, serverUrl]);

  if (provider === null) return null;
  return (
    <>
      <p className="auth-divider muted" aria-hidden="true">
        or
      </p>
      {/* Not disabled while busy: a disabled button loses focus to the page's body. */}
      <button
        type="button"
        className="sso-button"
        aria-disabled={busy}
        onClick={() => {
          if (!busy) onSignIn(provider);
        }}
      >
        Continue with {provider}
      </button>
    </>
  );
}
