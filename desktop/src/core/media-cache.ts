import type { MediaBytes } from '../common/contract';
import type { ApiClient } from './api-client';
import type { EngineHost } from './host';
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
    /** Files and hashing of the host (host.ts). */
    private readonly host: Pick<EngineHost, 'files' | 'sha256Hex'>,
    private readonly capBytes = DEFAULT_MEDIA_CACHE_BYTES,
    private readonly now: () => number = Date.now,
  ) {}

  private fileOf(sha256: string): string {
    return this.host.files.join(this.dir, sha256.slice(0, 2), sha256);
  }

  /**
   * From the cache when there, else downloaded once (concurrent callers share the download).
   * `invite` names the invite link that lets a person not yet in a group see its photo.
   */
  get(mediaId: string, variant: 'original' | 'thumbnail', invite?: string): Promise<MediaBytes> {
    const cached = this.store.cachedMedia(mediaId, variant);
    const bytes = cached === null ? null : this.host.files.read(this.fileOf(cached.sha256));
    if (cached !== null && bytes !== null) {
      this.store.touchCachedMedia(mediaId, variant, this.now());
      return Promise.resolve({ mime: cached.mime, bytes });
    }
    const key = `${mediaId}:${variant}`;
    let pending = this.inflight.get(key);
    if (pending === undefined) {
      pending = this.download(mediaId, variant, invite).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  private async download(
    mediaId: string,
    variant: 'original' | 'thumbnail',
    invite?: string,
  ): Promise<MediaBytes> {
    const { bytes, mime } = await this.api.downloadMedia(mediaId, variant, invite);
    this.put(mediaId, variant, mime, bytes);
    return { mime, bytes: new Uint8Array(bytes) };
  }

  /** Keeps bytes this device already has (its own uploads), so they never need downloading. */
  put(mediaId: string, variant: 'original' | 'thumbnail', mime: string, bytes: Uint8Array): void {
    const sha256 = this.host.sha256Hex(bytes);
    const file = this.fileOf(sha256);
    if (!this.host.files.exists(file)) this.host.files.write(file, bytes);
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

  /**
   * A cached JPEG or PNG of `mediaId` on disk (what native notifications can show: not WebP), or
   * null. Asks for the original in the background when it is missing, so the next one finds it.
   */
  imageFile(mediaId: string): string | null {
    for (const variant of ['thumbnail', 'original'] as const) {
      const cached = this.store.cachedMedia(mediaId, variant);
      if (cached === null || !NATIVE_IMAGE_TYPES.includes(cached.mime)) continue;
      const file = this.fileOf(cached.sha256);
      if (this.host.files.exists(file)) return file;
    }
    // Avatars fetch only thumbnails (WebP); a group or profile photo's original is a small square.
    this.get(mediaId, 'original').catch(() => undefined);
    return null;
  }

  private trim(): void {
    for (const row of this.store.mediaOverCap(this.capBytes)) {
      this.store.forgetMedia(row.media_id, row.variant);
      if (!this.store.mediaBytesInUse(row.sha256)) this.host.files.remove(this.fileOf(row.sha256));
    }
  }
}

/** Image types Electron's nativeImage reads. */
const NATIVE_IMAGE_TYPES: readonly string[] = ['image/png', 'image/jpeg'];
