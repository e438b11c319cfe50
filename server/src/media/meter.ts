import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { MediaTooLargeError, STAGED_HEAD_BYTES } from './types';

/**
 * Passes bytes through while hashing (SHA-256) and counting them, keeping the first few for
 * sniffing; fails with MediaTooLargeError the moment more than `maxBytes` have arrived, so an
 * oversize upload is cut off instead of stored. Shared by every MediaStore.
 */
export class ContentMeter extends Transform {
  size = 0;
  /** Set once the stream has ended. */
  sha256 = '';
  readonly #hash = createHash('sha256');
  readonly #head: Buffer[] = [];
  #headSize = 0;

  constructor(readonly maxBytes: number) {
    super();
  }

  get head(): Buffer {
    return Buffer.concat(this.#head);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      done(new MediaTooLargeError(this.maxBytes));
      return;
    }
    this.#hash.update(chunk);
    if (this.#headSize < STAGED_HEAD_BYTES) {
      const part = chunk.subarray(0, STAGED_HEAD_BYTES - this.#headSize);
      this.#head.push(Buffer.from(part));
      this.#headSize += part.length;
    }
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.sha256 = this.#hash.digest('hex');
    done();
  }
}
