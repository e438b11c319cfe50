import type { ReactNode } from 'react';
import { useAppState, type AppStore } from '../state/store';

/**
 * An error under a form or list. Offline, it offers "Retry now", which connects at once and runs
 * `onRetry` (the failed action) again.
 */
export function ErrorNote({
  store,
  children,
  onRetry,
}: {
  store: AppStore;
  children: ReactNode;
  onRetry?: () => void;
}) {
  const offline = useAppState(store, (s) => s.connection !== 'online');
  return (
    <p className="form-error" role="alert">
      {children}
      {offline && (
        <>
          {' '}
          <button
            type="button"
            className="link"
            onClick={() => {
              void store.chat.reconnectNow();
              onRetry?.();
            }}
          >
            Retry now
          </button>
        </>
      )}
    </p>
  );
}
