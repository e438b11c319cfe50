import { createHash } from 'node:crypto';
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

export function normalizeServerUrl(url: string): string {
  const trimmed = url.trim().replace(/\/+$/, '');
  return /^https?:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
}
