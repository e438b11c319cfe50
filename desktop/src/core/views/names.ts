import type { LocalStore, UserRow } from '../local-store/index';

/** How a view names a person: "You" for the signed-in user, else their display name. */
export function nameOf(store: LocalStore, users: Map<string, UserRow>, userId: string): string {
  if (userId === store.userId) return 'You';
  return users.get(userId)?.display_name ?? 'Someone';
}
