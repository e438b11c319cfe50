import type { SessionUser } from '../common/contract';
import type { EngineHost } from './host';

/** The host parts that name and remove an account's files. */
type PathHost = Pick<EngineHost, 'files' | 'sha256Hex'>;

/** What `session.json` in a profile holds: enough to reopen the account's cache and reconnect. */
export interface StoredSession {
  serverUrl: string;
  user: SessionUser;
  deviceId: string;
}

/** The cache file of one account on one server, inside a profile. */
export function accountDatabasePath(
  profileDir: string,
  serverUrl: string,
  userId: string,
  host: PathHost,
): string {
  const server = host.sha256Hex(normalizeServerUrl(serverUrl)).slice(0, 12);
  return host.files.join(profileDir, 'accounts', `${server}-${userId}.sqlite`);
}

/**
 * Removes what this device kept of an account that was deleted: its cache (with the outbox and
 * search index inside) and its media. Called after the session closed them.
 */
export function forgetAccount(
  profileDir: string,
  serverUrl: string,
  userId: string,
  host: PathHost,
): void {
  const database = accountDatabasePath(profileDir, serverUrl, userId, host);
  for (const file of [database, `${database}-wal`, `${database}-shm`]) host.files.remove(file);
  host.files.removeTree(host.files.join(profileDir, 'media', userId));
}

export function normalizeServerUrl(url: string): string {
  const trimmed = url.trim().replace(/\/+$/, '');
  return /^https?:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
}
