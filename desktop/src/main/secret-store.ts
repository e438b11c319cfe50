/**
 * The refresh token at rest: encrypted with Electron's safeStorage (Keychain on macOS, DPAPI on
 * Windows, libsecret / KWallet on Linux) in a file of the profile. safeStorage exists only in the
 * main process, so this store lives in main; the engine in its utility process reaches it over the
 * port (engine-protocol.ts). The Electron part is injected as a `TokenCipher`, so the rules here
 * run in tests.
 *
 * Two weak cases, each reported once through `onWeakProtection`:
 * - Linux without a keyring: safeStorage falls back to a hard-coded key ("basic_text"). The token is
 *   still written (otherwise the person signs in at every start) but only obscured; the person is
 *   told, so they can install or unlock a keyring.
 * - No encryption at all (safeStorage unavailable): the token is never written in clear; it is kept
 *   in memory for this run only, and the person is told they will have to sign in again next time.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SecretStore } from '../core/api-client';
import type { EngineLogger } from '../core/emitter';

/** The slice of `safeStorage` the store uses. */
export interface TokenCipher {
  /** `safeStorage.isAsyncEncryptionAvailable()`. */
  isAvailable(): Promise<boolean>;
  /** True when the OS offers only the plain-text fallback (Linux `basic_text` backend). */
  isPlainTextFallback(): boolean;
  encrypt(plainText: string): Promise<Uint8Array>;
  decrypt(encrypted: Uint8Array): Promise<{ result: string; shouldReEncrypt: boolean }>;
}

export type WeakProtection = 'plain-text-fallback' | 'memory-only';

export const WEAK_PROTECTION_MESSAGES: Record<WeakProtection, string> = {
  'plain-text-fallback':
    'Your system offers no keyring (such as GNOME Keyring or KWallet) to chitchat, so the token that keeps you signed in is stored on disk obscured, not encrypted: someone who can read your files could use it to sign in as you. Install or unlock a keyring and restart chitchat to protect it.',
  'memory-only':
    "chitchat cannot use your system's secure storage, so it will not keep you signed in: you will need to sign in again the next time you start it.",
};

export interface TokenStoreOptions {
  /** The encrypted token's file (`ProfilePaths.tokenFile`). */
  file: string;
  cipher: TokenCipher;
  logger: EngineLogger;
  /** Called at most once per kind per store, the first time a token is kept weakly. */
  onWeakProtection(kind: WeakProtection, message: string): void;
}

export function createTokenStore(options: TokenStoreOptions): SecretStore {
  const { file, cipher, logger } = options;
  /** The token as last set or read in this run; undefined until then. */
  let current: string | null | undefined;
  const warned = new Set<WeakProtection>();
  // One operation at a time: refresh-token rotation must never leave an older token on disk.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  const warn = (kind: WeakProtection) => {
    if (warned.has(kind)) return;
    warned.add(kind);
    logger.warn('refresh token is not protected by the OS', { protection: kind });
    options.onWeakProtection(kind, WEAK_PROTECTION_MESSAGES[kind]);
  };

  const write = async (token: string) => {
    const encrypted = await cipher.encrypt(token);
    await mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.${randomUUID()}.tmp`;
    await writeFile(temporary, encrypted, { mode: 0o600 });
    await rename(temporary, file);
  };

  const read = async (): Promise<string | null> => {
    let encrypted: Buffer;
    try {
      encrypted = await readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    if (!(await cipher.isAvailable())) {
      logger.warn('safeStorage is unavailable; the saved sign-in cannot be read');
      return null;
    }
    try {
      const { result, shouldReEncrypt } = await cipher.decrypt(encrypted);
      if (shouldReEncrypt) await write(result);
      return result;
    } catch (error) {
      // Another user's file, a replaced keyring, a truncated write: the person signs in again.
      logger.warn('the saved refresh token cannot be decrypted; discarding it', {
        error: String(error),
      });
      await rm(file, { force: true });
      return null;
    }
  };

  return {
    get: () =>
      serial(async () => {
        if (current === undefined) current = await read();
        return current;
      }),
    set: (token) =>
      serial(async () => {
        current = token;
        if (token === null) {
          await rm(file, { force: true });
          return;
        }
        if (!(await cipher.isAvailable())) {
          await rm(file, { force: true });
          warn('memory-only');
          return;
        }
        if (cipher.isPlainTextFallback()) warn('plain-text-fallback');
        await write(token);
      }),
  };
}
