// `http_ece` (RFC 8188 content coding, the decrypting side of web-push's dependency) ships no
// types: the part the push tests use.
declare module 'http_ece' {
  import type { ECDH } from 'node:crypto';

  interface DecryptParams {
    version: 'aes128gcm';
    /** The receiver's (browser's) key pair. */
    privateKey: ECDH;
    /** The subscription's 16-byte auth secret. */
    authSecret: Buffer;
  }

  export function decrypt(buffer: Buffer, params: DecryptParams): Buffer;
}
