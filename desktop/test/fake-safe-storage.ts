import type { TokenCipher } from '../src/main/secret-store';

/**
 * A stand-in for Electron's safeStorage, which cannot run here: "encrypts" by reversing the bytes
 * behind a marker, refuses data without the marker (as a foreign or damaged file would be), and
 * can play the Linux plain-text fallback or a system with no encryption at all.
 */
export function fakeSafeStorage(mode: 'keyring' | 'plain-text' | 'unavailable' = 'keyring') {
  const marker = Buffer.from('FAKE1');
  const cipher: TokenCipher & { rotateKey: boolean; encryptions: number } = {
    rotateKey: false,
    encryptions: 0,
    isAvailable: async () => mode !== 'unavailable',
    isPlainTextFallback: () => mode === 'plain-text',
    async encrypt(plainText) {
      cipher.encryptions++;
      return Buffer.concat([marker, Buffer.from(plainText).reverse()]);
    },
    async decrypt(encrypted) {
      const data = Buffer.from(encrypted);
      if (!data.subarray(0, marker.length).equals(marker)) throw new Error('bad data');
      return {
        result: Buffer.from(data.subarray(marker.length)).reverse().toString(),
        shouldReEncrypt: cipher.rotateKey,
      };
    },
  };
  return cipher;
}
