import { useAppState, type AppStore } from '../../state/store';

export function ConnectionBanner({ store }: { store: AppStore }) {
  const connection = useAppState(store, (s) => s.connection);
  if (connection === 'online') return null;
  return (
    <div className={`banner banner-${connection}`} role="status">
      {connection === 'connecting' ? (
        'Connecting…'
      ) : (
        <>
          You're offline — messages will be sent when you're back online.{' '}
          <button type="button" className="link" onClick={() => void store.chat.reconnectNow()}>
            Retry now
          </button>
        </>
      )}
    </div>
  );
}
