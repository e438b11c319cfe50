import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MediaBytes } from '../common/contract';
import type { ApiClient } from './api-client';
import type { LocalStore } from './local-store/index';

/** Default size cap of downloaded media per account (thumbnails included). */
export const DEFAULT_MEDIA_CACHE_BYTES = 512 * 1024 * 1024;

/**
 * Downloaded media on disk, content-addressed by sha256 (one file for identical bytes), indexed in
 * the account's cache database, trimmed to a size cap least-recently-used first. Fetched images and
 * thumbnails stay available offline.
 */
export class MediaCache {
  private readonly inflight = new Map<string, Promise<MediaBytes>>();

  constructor(
    private readonly dir: string,
    private readonly store: LocalStore,
    private readonly api: ApiClient,
    private readonly capBytes = DEFAULT_MEDIA_CACHE_BYTES,
    private readonly now: () => number = Date.now,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  private fileOf(sha256: string): string {
    return path.join(this.dir, sha256.slice(0, 2), sha256);
  }

  /** From the cache when there, else downloaded once (concurrent callers share the download). */
  get(mediaId: string, variant: 'original' | 'thumbnail'): Promise<MediaBytes> {
    const cached = this.store.cachedMedia(mediaId, variant);
    if (cached !== null && existsSync(this.fileOf(cached.sha256))) {
      this.store.touchCachedMedia(mediaId, variant, this.now());
      return Promise.resolve({
        mime: cached.mime,
        bytes: new Uint8Array(readFileSync(this.fileOf(cached.sha256))),
      });
    }
    const key = `${mediaId}:${variant}`;
    let pending = this.inflight.get(key);
    if (pending === undefined) {
      pending = this.download(mediaId, variant).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  private async download(mediaId: string, variant: 'original' | 'thumbnail'): Promise<MediaBytes> {
    const { bytes, mime } = await this.api.downloadMedia(mediaId, variant);
    this.put(mediaId, variant, mime, bytes);
    return { mime, bytes: new Uint8Array(bytes) };
  }

  /** Keeps bytes this device already has (its own uploads), so they never need downloading. */
  put(mediaId: string, variant: 'original' | 'thumbnail', mime: string, bytes: Uint8Array): void {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const file = this.fileOf(sha256);
    if (!existsSync(file)) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, bytes);
    }
    this.store.rememberMedia({
      media_id: mediaId,
      variant,
      sha256,
      mime,
      size: bytes.byteLength,
      last_used: this.now(),
    });
    this.trim();
  }

  private trim(): void {
    for (const row of this.store.mediaOverCap(this.capBytes)) {
      this.store.forgetMedia(row.media_id, row.variant);
      if (!this.store.mediaBytesInUse(row.sha256)) rmSync(this.fileOf(row.sha256), { force: true });
    }
  }
}
