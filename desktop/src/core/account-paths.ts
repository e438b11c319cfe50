import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { SessionUser } from '../common/contract';

/** What `session.json` in a profile holds: enough to reopen the account's cache and reconnect. */
export interface StoredSession {
  serverUrl: string;
  user: SessionUser;
  deviceId: string;
}

/** The cache file of one account on one server, inside a profile. */
export function accountDatabasePath(profileDir: string, serverUrl: string, userId: string): string {
  const server = createHash('sha256')
    .update(normalizeServerUrl(serverUrl))
    .digest('hex')
    .slice(0, 12);
  return path.join(profileDir, 'accounts', `${server}-${userId}.sqlite`);
}

/**
 * Removes what this device kept of an account that was deleted: its cache (with the outbox and
 * search index inside) and its media. Called after the session closed them.
 */
export function forgetAccount(profileDir: string, serverUrl: string, userId: string): void {
  const database = accountDatabasePath(profileDir, serverUrl, userId);
  for (const file of [database, `${database}-wal`, `${database}-shm`])
    rmSync(file, { force: true });
  rmSync(path.join(profileDir, 'media', userId), { recursive: true, force: true });
}

export function normalizeServerUrl(url: string): string {
  const trimmed = url.trim().replace(/\/+$/, '');
  return /^https?:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
}
