import { useEffect, useState } from 'react';
import { USER_SEARCH_MIN_LENGTH, type PublicUser } from '@chitchat/shared';
import { errorText } from '../../format';
import { useAppState, type AppStore } from '../../state/store';

/** People matching a username query, debounced; asked only from USER_SEARCH_MIN_LENGTH characters. */
export function useUserSearch(
  store: AppStore,
  query: string,
): { users: PublicUser[]; error: string | null } {
  const [users, setUsers] = useState<PublicUser[]>([]);
  const [error, setError] = useState<string | null>(null);
  // Asked again when the connection comes back, so an offline error clears by itself.
  const online = useAppState(store, (s) => s.connection === 'online');
  useEffect(() => {
    if (query.trim().length < USER_SEARCH_MIN_LENGTH) {
      setUsers([]);
      return;
    }
    let cancelled = false;
    const timer = setTimeout(() => {
      store.chat.searchUsers(query.trim()).then(
        (found) => {
          if (!cancelled) {
            setUsers(found);
            setError(null);
          }
        },
        (e: unknown) => !cancelled && setError(errorText(e)),
      );
    }, 200);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [store, query, online]);
  return { users, error };
}
