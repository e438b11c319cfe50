import { useEffect, useState } from 'react';
import { SMALL_GROUP_MAX } from '@chitchat/shared';
import type { ConversationView, MemberView } from '../../../common/contract';
import { errorText } from '../../format';
import type { AppStore } from '../../state/store';

/**
 * A group's current members for its info panel. A small group's summary carries them (in the
 * cache, offline too); a larger group's come from the engine (`listMembers`: the server's
 * `conversation:members`, names kept in the cache), fetched again when the group's membership
 * moves (the count, or a new system line such as a role change).
 */
export function useGroupMembers(
  store: AppStore,
  c: ConversationView,
): { members: MemberView[] | null; error: string | null } {
  const small = c.memberCount <= SMALL_GROUP_MAX && c.members.length > 0;
  const key = `${c.id}:${c.memberCount}:${c.lastMessage?.createdAt ?? 0}:${c.role}`;
  const [loaded, setLoaded] = useState<{ key: string; list: MemberView[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (small) return;
    let current = true;
    store.chat.listMembers(c.id).then(
      (list) => {
        if (!current) return;
        setError(null);
        setLoaded({ key, list });
      },
      (e: unknown) => current && setError(errorText(e)),
    );
    return () => {
      current = false;
    };
  }, [small, store, c.id, key]);
  if (small) return { members: c.members, error: null };
  // While a refetch runs, the previous list stays (no flash of an empty list).
  return { members: loaded?.list ?? null, error };
}
