import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const SECRET_FILE_NAME = 'jwt-secret';

/** Keys derived from the one server secret, each for one purpose. */
export interface ServerKeys {
  accessToken: Uint8Array;
  refreshToken: Buffer;
}

/**
 * The server secret: `JWT_SECRET` when set, else a random one generated on first start and kept in
 * `DATA_DIR` (mode 0600), so tokens survive restarts of an embedded server.
 */
export function loadServerSecret(dataDir: string, configured: string | undefined): string {
  if (configured !== undefined) return configured;
  const file = path.join(dataDir, SECRET_FILE_NAME);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}

export function deriveKeys(secret: string): ServerKeys {
  const derive = (purpose: string) =>
    createHmac('sha256', secret).update(`chitchat:${purpose}`).digest();
  return {
    accessToken: new Uint8Array(derive('access-token')),
    refreshToken: derive('refresh-token'),
  };
}
