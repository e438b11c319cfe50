import { describe, expect, it } from 'vitest';
import { base64UrlBytes } from './browser-push';

describe('base64UrlBytes (the VAPID key for applicationServerKey)', () => {
  it('reads base64url without padding, with - and _', () => {
    const bytes = Uint8Array.from({ length: 65 }, (_, i) => (i * 37 + 4) % 256);
    const text = Buffer.from(bytes).toString('base64url');
    expect(text).toMatch(/[-_]/);
    expect(Array.from(base64UrlBytes(text))).toEqual(Array.from(bytes));
    expect(Array.from(base64UrlBytes('AQ'))).toEqual([1]);
  });
});
