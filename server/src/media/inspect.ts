import type { Readable } from 'node:stream';
// The Node entry (the bundler condition would pick the web-only core).
import { fileTypeFromStream } from 'file-type/node';
import sharp from 'sharp';
import {
  IMAGE_MAX_PIXELS,
  MEDIA_NAME_MAX_LENGTH,
  THUMBNAIL_MAX_DIMENSION,
  withoutUnsafeNameCharacters,
} from '@chitchat/shared';

export const FALLBACK_MIME = 'application/octet-stream';

/**
 * Types file-type cannot recognise (text has no magic bytes) that an uploader may claim, and that
 * are safe to label as claimed when the bytes are UTF-8 text. Anything else unrecognised is
 * `application/octet-stream`: a declared `text/html` or `image/svg+xml` is never believed.
 */
const CLAIMABLE_TEXT_TYPES = new Set([
  'text/plain',
  'text/csv',
  'text/markdown',
  'application/json',
]);
const TEXT_EXTENSIONS: Record<string, string> = {
  'text/plain': 'txt',
  'text/csv': 'csv',
  'text/markdown': 'md',
  'application/json': 'json',
};

/** Raster types sharp decodes with its bundled libvips: these get dimensions and a thumbnail. */
const THUMBNAIL_SOURCES = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'image/avif',
  'image/tiff',
]);

export interface SniffedType {
  mime: string;
  /** A file extension for the type, without the dot, when one is known. */
  ext: string | null;
}

/** `type/subtype` of a Content-Type header, lower-cased, without parameters. */
export function essenceOf(contentType: string | undefined): string | undefined {
  const essence = contentType?.split(';')[0]?.trim().toLowerCase();
  return essence === undefined || essence === '' ? undefined : essence;
}

/** True when `head` (the first bytes of a file) is UTF-8 text: no NUL, no invalid sequences. */
export function looksLikeText(head: Buffer): boolean {
  if (head.includes(0)) return false;
  try {
    // `stream: true` lets the sample end in the middle of a character.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * The type of stored bytes, by their content (`file-type` reads as much of `bytes` as it needs);
 * the declared type only decides between the harmless text types when the bytes are text.
 */
export async function sniffType(
  bytes: Readable,
  head: Buffer,
  declared: string | undefined,
): Promise<SniffedType> {
  let detected;
  try {
    detected = await fileTypeFromStream(bytes);
  } finally {
    bytes.destroy();
  }
  const claimed = essenceOf(declared);
  // WebM has one signature for sound and for video: a recording its uploader calls audio (the
  // app's voice notes, Opus in WebM) is labelled audio, so that it plays as a voice note.
  if (detected?.mime === 'video/webm' && claimed === 'audio/webm') {
    return { mime: 'audio/webm', ext: 'webm' };
  }
  if (detected !== undefined) return { mime: detected.mime, ext: detected.ext };
  if (claimed !== undefined && CLAIMABLE_TEXT_TYPES.has(claimed) && looksLikeText(head)) {
    return { mime: claimed, ext: TEXT_EXTENSIONS[claimed] ?? null };
  }
  return { mime: FALLBACK_MIME, ext: null };
}

export const canThumbnail = (mime: string) => THUMBNAIL_SOURCES.has(mime);

export interface ImageFacts {
  width: number;
  height: number;
  /** WebP, fitting inside THUMBNAIL_MAX_DIMENSION², never enlarged. */
  thumbnail: Buffer;
}

/**
 * Displayed size (EXIF orientation applied) and a thumbnail of the image in the file at `path`;
 * null when sharp cannot decode it, `too_many_pixels` when it has more than IMAGE_MAX_PIXELS (read
 * from its header, before anything is decoded). Only the first frame of an animation is used.
 *
 * A path, not a stream or buffer: sharp holds a stream input whole in memory, while from a file
 * libvips reads as it decodes (sequentially), so a 100 MiB upload never sits in memory.
 */
export async function describeImage(path: string): Promise<ImageFacts | null | 'too_many_pixels'> {
  const options = { limitInputPixels: IMAGE_MAX_PIXELS, sequentialRead: true } as const;
  let metadata;
  try {
    // The header only (nothing is decoded), so without the limit: the size is compared below.
    metadata = await sharp(path, { ...options, limitInputPixels: false }).metadata();
  } catch {
    return null;
  }
  const frames = metadata.pages ?? 1;
  if (metadata.width * metadata.height * frames > IMAGE_MAX_PIXELS) return 'too_many_pixels';
  try {
    const thumbnail = await sharp(path, options)
      .autoOrient()
      .resize({
        width: THUMBNAIL_MAX_DIMENSION,
        height: THUMBNAIL_MAX_DIMENSION,
        fit: 'inside',
        withoutEnlargement: true,
      })
      .webp({ quality: 75 })
      .toBuffer();
    return { width: metadata.autoOrient.width, height: metadata.autoOrient.height, thumbnail };
  } catch {
    return null;
  }
}

// Left-to-right and right-to-left marks are not refused by the name rule (text needs them), but
// in a file name they only serve to move the extension around.
const DIRECTION_MARKS = /[\u200e\u200f]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A file name safe to store and to put in a Content-Disposition: the last path segment only, no
 * control or direction-changing characters, at most MEDIA_NAME_MAX_LENGTH characters (cut without
 * splitting a character), never empty, `.` or `..` (then `file`, plus the sniffed extension).
 */
export function sanitizeFileName(raw: string | undefined, ext: string | null): string {
  const lastSegment = (raw ?? '').split(/[/\\]/).at(-1) ?? '';
  // The route refuses names the shared rule refuses; cleaning again keeps this safe on its own.
  let name = withoutUnsafeNameCharacters(lastSegment)
    .replace(DIRECTION_MARKS, '')
    .replace(LONE_SURROGATE, '')
    .trim();
  if (name.length > MEDIA_NAME_MAX_LENGTH) {
    let kept = '';
    for (const char of name) {
      if (kept.length + char.length > MEDIA_NAME_MAX_LENGTH) break;
      kept += char;
    }
    name = kept.trim();
  }
  if (name === '' || /^\.+$/.test(name)) return ext === null ? 'file' : `file.${ext}`;
  return name;
}
