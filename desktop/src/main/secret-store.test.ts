import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineLogger } from '../core/emitter';
import { fakeSafeStorage } from '../../test/fake-safe-storage';
import { createTokenStore, type WeakProtection } from './secret-store';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function setup(mode?: 'keyring' | 'plain-text' | 'unavailable') {
  const dir = mkdtempSync(path.join(tmpdir(), 'chitchat-token-'));
  dirs.push(dir);
  const file = path.join(dir, 'profile', 'refresh-token.bin');
  const cipher = fakeSafeStorage(mode);
  const warnings: { kind: WeakProtection; message: string }[] = [];
  const logged: string[] = [];
  const logger: EngineLogger = {
    debug: () => undefined,
    warn: (message) => logged.push(message),
    error: (message) => logged.push(message),
  };
  const open = () =>
    createTokenStore({
      file,
      cipher,
      logger,
      onWeakProtection: (kind, message) => warnings.push({ kind, message }),
    });
  return { file, cipher, warnings, logged, open };
}

describe('the refresh token at rest', () => {
  it('survives a restart, encrypted on disk, and is gone after sign-out', async () => {
    const { file, open, warnings } = setup();
    await open().set('refresh-token-1');
    expect(readFileSync(file).toString()).not.toContain('refresh-token-1');
    const restarted = open();
    expect(await restarted.get()).toBe('refresh-token-1');
    await restarted.set(null);
    expect(existsSync(file)).toBe(false);
    expect(await open().get()).toBeNull();
    expect(warnings).toEqual([]);
  });

  it('keeps the newest token when rotations overlap', async () => {
    const { open } = setup();
    const store = open();
    await Promise.all(['t1', 't2', 't3'].map((token) => store.set(token)));
    expect(await store.get()).toBe('t3');
    expect(await open().get()).toBe('t3');
  });

  it('warns once, and still keeps the session, when the OS offers only its plain-text fallback', async () => {
    const { open, warnings } = setup('plain-text');
    const store = open();
    await store.set('t1');
    await store.set('t2');
    expect(warnings.map((w) => w.kind)).toEqual(['plain-text-fallback']);
    expect(warnings[0]?.message).toMatch(/keyring/);
    expect(await open().get()).toBe('t2');
  });

  it('never writes the token in clear when there is no encryption: memory only, with a warning', async () => {
    const { file, open, warnings } = setup('unavailable');
    const store = open();
    await store.set('t1');
    expect(await store.get()).toBe('t1');
    expect(existsSync(file)).toBe(false);
    expect(await open().get()).toBeNull();
    expect(warnings).toEqual([
      { kind: 'memory-only', message: expect.stringMatching(/sign in again/) as string },
    ]);
  });

  it('discards a token it cannot decrypt, so the person simply signs in again', async () => {
    const { file, open, logged } = setup();
    await open().set('t1');
    writeFileSync(file, 'garbage');
    expect(await open().get()).toBeNull();
    expect(existsSync(file)).toBe(false);
    expect(logged).toContain('the saved refresh token cannot be decrypted; discarding it');
  });

  it('re-encrypts when safeStorage says the key was rotated', async () => {
    const { open, cipher } = setup();
    await open().set('t1');
    cipher.rotateKey = true;
    const before = cipher.encryptions;
    expect(await open().get()).toBe('t1');
    expect(cipher.encryptions).toBe(before + 1);
  });
});
