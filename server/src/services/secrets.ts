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

export const VAPID_FILE_NAME = 'vapid-keys.json';

/** The server's VAPID key pair (RFC 8292), base64url as browsers and `web-push` take it. */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/**
 * The VAPID keys: `VAPID_PUBLIC_KEY`/`VAPID_PRIVATE_KEY` when set, else a pair generated on first
 * use and kept in `DATA_DIR` (mode 0600) like the JWT secret. They must never change under a
 * running deployment: every browser subscription is bound to the public key it was made with.
 */
export function loadVapidKeys(
  dataDir: string,
  configured: Partial<VapidKeys>,
  generate: () => VapidKeys,
): VapidKeys {
  if (configured.publicKey !== undefined && configured.privateKey !== undefined)
    return { publicKey: configured.publicKey, privateKey: configured.privateKey };
  const file = path.join(dataDir, VAPID_FILE_NAME);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    const keys = generate();
    try {
      writeFileSync(file, `${JSON.stringify(keys)}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process of this DATA_DIR wrote it first: take theirs, below.
      if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
    }
  }
  const stored: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (
    typeof stored !== 'object' ||
    stored === null ||
    !('publicKey' in stored) ||
    !('privateKey' in stored) ||
    typeof stored.publicKey !== 'string' ||
    typeof stored.privateKey !== 'string'
  ) {
    throw new Error(`${file} does not hold a VAPID key pair; remove it to generate a new one`);
  }
  return { publicKey: stored.publicKey, privateKey: stored.privateKey };
}
