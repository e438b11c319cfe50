import { describe, expect, it } from 'vitest';
import { hash } from '@node-rs/argon2';
import { deriveKeys } from './secrets';
import { mintRefreshToken, nextRefreshToken, parseRefreshToken } from './tokens';

describe('refresh tokens', () => {
  const keys = deriveKeys('a'.repeat(40));

  it('derive the next token from the previous one, so a retry gets the same answer', () => {
    const token = mintRefreshToken(keys.refreshToken, 'device-1');
    const parsed = parseRefreshToken(keys.refreshToken, token);
    expect(parsed?.deviceId).toBe('device-1');
    if (parsed === null) return;
    expect(nextRefreshToken(keys.refreshToken, parsed)).toBe(
      nextRefreshToken(keys.refreshToken, parsed),
    );
    expect(nextRefreshToken(keys.refreshToken, parsed)).not.toBe(token);
  });

  it('refuse tokens not minted with this key or tampered with', () => {
    const token = mintRefreshToken(keys.refreshToken, 'device-1');
    expect(parseRefreshToken(deriveKeys('b'.repeat(40)).refreshToken, token)).toBeNull();
    expect(parseRefreshToken(keys.refreshToken, token.replace('device-1', 'device-2'))).toBeNull();
    expect(parseRefreshToken(keys.refreshToken, 'garbage')).toBeNull();
  });

  it('passwords are hashed with argon2id', async () => {
    expect(await hash('correct horse battery')).toMatch(/^\$argon2id\$/);
  });
});
