import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router, type Request, type Response } from 'express';
import { idSchema, inviteLinkCodeSchema, mediaFileNameSchema } from '@chitchat/shared';
import type { ByteRange, MediaRecord } from '../media/types';
import { ServiceError } from '../services/errors';
import type { MediaService } from '../services/media';
import { answerAndLinger } from './linger';
import { authOf, parseInput, route } from './respond';

/** Types a browser may show in place; everything else is offered as a download. */
const isInline = (mime: string) =>
  (mime.startsWith('image/') && mime !== 'image/svg+xml') ||
  mime.startsWith('video/') ||
  mime.startsWith('audio/');

/** RFC 5987 `ext-value` characters: percent-encode everything else (encodeURIComponent leaves `'()*!`). */
const encodeRfc5987 = (value: string) =>
  encodeURIComponent(value).replace(
    /['()*!]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/** `inline` or `attachment`, with an ASCII fallback name and the exact UTF-8 one (RFC 6266). */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encodeRfc5987(name)}`;
}

const contentTypeOf = (mime: string) =>
  mime.startsWith('text/') ? `${mime}; charset=utf-8` : mime;

/**
 * `X-File-Name` is percent-encoded UTF-8 (headers carry only Latin-1 safely). A name the shared
 * name rule refuses (controls, direction overrides, invisible characters) is `invalid_payload`, as
 * a display name would be: refused rather than silently changed.
 */
function fileNameHint(req: Request): string | undefined {
  const header = req.get('x-file-name');
  if (header === undefined) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(header);
  } catch {
    throw new ServiceError('invalid_payload', 'X-File-Name must be percent-encoded UTF-8.');
  }
  return parseInput(mediaFileNameSchema, decoded);
}

/** Answers without reading the rest of the body: the connection closes after the answer. */
function abandonBody(req: Request, res: Response) {
  if (req.complete) return;
  req.unpipe();
  req.pause();
  res.setHeader('Connection', 'close');
}

/**
 * True when the client already holds this version (`If-None-Match`). Checked by hand: Express's
 * `req.fresh` refuses whenever the request says `Cache-Control: no-cache`, which is exactly what a
 * revalidating client sends.
 */
function holdsVersion(req: Request, etag: string): boolean {
  const header = req.get('if-none-match');
  if (header === undefined) return false;
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === etag || tag === '*');
}

/** The single byte range asked for, `null` for the whole file, or `unsatisfiable`. */
function requestedRange(
  req: Request,
  size: number,
  etag: string,
): ByteRange | null | 'unsatisfiable' {
  if (req.headers.range === undefined || size === 0) return null;
  // A range is only for the version the client holds (If-Range); otherwise send it all.
  const ifRange = req.get('if-range');
  if (ifRange !== undefined && ifRange !== etag) return null;
  const ranges = req.range(size, { combine: true });
  if (ranges === -1) return 'unsatisfiable';
  // Malformed (-2), or several ranges (multipart answers are not offered): the whole file.
  if (ranges === undefined || ranges === -2 || ranges.type !== 'bytes' || ranges.length !== 1)
    return null;
  const [range] = ranges;
  return range === undefined ? null : { start: range.start, end: range.end };
}

/**
 * Sends `headers` and the stream (only the headers for HEAD). The stream is opened by the caller
 * before any content header is set, so a failure to open still answers with a plain JSON error. A
 * client that goes away mid-download is not an error.
 */
async function send(
  req: Request,
  res: Response,
  stream: Readable,
  status: number,
  headers: Record<string, string>,
) {
  res.status(status).set(headers);
  if (req.method === 'HEAD') {
    stream.destroy();
    res.end();
    return;
  }
  try {
    await pipeline(stream, res);
  } catch {
    res.destroy();
  }
}

/**
 * `/api/media`: upload (raw bytes, not multipart), download with ranges, thumbnail. Mounted behind
 * `requireAuth` and before the JSON body parser, which must never read an upload.
 *
 * Media nobody may show you is 404, never 403: an id does not reveal whether it exists.
 */
export function mediaRouter(
  media: MediaService,
  /** Asked when the media rules refuse a download: someone's profile photo within its audience. */
  alsoReadable?: (userId: string, mediaId: string) => Promise<boolean>,
  /**
   * Asked for a download that names an invite link (`?invite=<code>`): whether that link works and
   * `mediaId` is its group's current photo (what the join preview shows a person not yet in it).
   */
  inviteShows?: (code: string, mediaId: string) => Promise<boolean>,
): Router {
  const router = Router();
  router.use((_req, res, next) => {
    // Uploaded bytes are never a page: no sniffing, no scripts, no subresources.
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    next();
  });

  router.post(
    '/',
    route(async (req, res) => {
      try {
        const declaredLength = Number(req.get('content-length'));
        const name = fileNameHint(req);
        const declaredMime = req.get('content-type');
        const { userId, deviceId } = authOf(res);
        const answer = await media.upload({ userId, deviceId }, req, {
          ...(name !== undefined ? { name } : {}),
          ...(declaredMime !== undefined ? { declaredMime } : {}),
          ...(Number.isFinite(declaredLength) ? { declaredLength } : {}),
        });
        res.status(201).json(answer);
      } catch (error) {
        // A refusal the client must be able to read (413, 429, 400): answered, then the rest of
        // the body is read and dropped for a bounded while, as nginx's lingering close does.
        if (error instanceof ServiceError) {
          answerAndLinger(req, res, error);
          return;
        }
        abandonBody(req, res);
        throw error;
      }
    }),
  );

  const serve = (which: 'original' | 'thumbnail') =>
    route(async (req, res) => {
      const id = parseInput(idSchema, req.params.id);
      const invite =
        req.query.invite === undefined
          ? undefined
          : parseInput(inviteLinkCodeSchema, req.query.invite);
      const orIf = async (userId: string, mediaId: string) =>
        (alsoReadable !== undefined && (await alsoReadable(userId, mediaId))) ||
        (invite !== undefined && inviteShows !== undefined && (await inviteShows(invite, mediaId)));
      const record: MediaRecord = await media.readable(authOf(res).userId, id, orIf);
      // Authorization changes (a removal, a deleted message): caches must ask every time.
      res.setHeader('Cache-Control', 'private, no-cache');

      if (which === 'thumbnail') {
        if (record.thumbnailKey === null) {
          throw new ServiceError('not_found', 'This media has no thumbnail.');
        }
        const etag = `"${record.sha256}.thumb"`;
        res.setHeader('ETag', etag);
        if (holdsVersion(req, etag)) {
          res.status(304).end();
          return;
        }
        await send(req, res, await media.open(record.thumbnailKey), 200, {
          'Content-Type': 'image/webp',
          'Content-Disposition': contentDisposition('inline', `${record.name}.webp`),
        });
        return;
      }

      const etag = `"${record.sha256}"`;
      res.setHeader('ETag', etag);
      res.setHeader('Accept-Ranges', 'bytes');
      if (holdsVersion(req, etag)) {
        res.status(304).end();
        return;
      }
      const range = requestedRange(req, record.size, etag);
      if (range === 'unsatisfiable') {
        res.status(416).setHeader('Content-Range', `bytes */${record.size}`);
        res.end();
        return;
      }
      const stream = await media.open(record.storageKey, range ?? undefined);
      const headers = {
        'Content-Type': contentTypeOf(record.mime),
        'Content-Disposition': contentDisposition(
          isInline(record.mime) ? 'inline' : 'attachment',
          record.name,
        ),
      };
      if (range === null) {
        await send(req, res, stream, 200, { ...headers, 'Content-Length': String(record.size) });
        return;
      }
      await send(req, res, stream, 206, {
        ...headers,
        'Content-Range': `bytes ${range.start}-${range.end}/${record.size}`,
        'Content-Length': String(range.end - range.start + 1),
      });
    });

  router.get('/:id', serve('original'));
  router.get('/:id/thumbnail', serve('thumbnail'));
  return router;
}
