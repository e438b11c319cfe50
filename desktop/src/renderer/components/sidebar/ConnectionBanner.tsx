import { useAppState, type AppStore } from '../../state/store';

export function ConnectionBanner({ store }: { store: AppStore }) {
  const connection = useAppState(store, (s) => s.connection);
  if (connection === 'online') return null;
  return (
    <div className={`banner banner-${connection}`} role="status">
      {connection === 'connecting'
        ? 'Connecting…'
        : "Offline — messages will be sent when you're back online"}
    </div>
  );
}
