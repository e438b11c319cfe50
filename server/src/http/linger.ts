import type { Request, Response } from 'express';
import { HTTP_STATUS_BY_CODE } from '@chitchat/shared';
import type { ServiceError } from '../services/errors';
import { isRetryAfter } from './respond';

/**
 * How much of an unwanted request body is still read (and thrown away) after an early answer, and
 * for how long at most. nginx does the same ("lingering close": `lingering_time`,
 * `lingering_timeout`): closing a socket whose peer is still sending makes the kernel reset the
 * connection, and the reset can destroy the answer before the client has read it, so an
 * ordinary client (Node's fetch, curl) would see a network error instead of the 413.
 */
export const LINGER_MAX_BYTES = 16 * 1024 * 1024;
export const LINGER_MAX_MS = 5_000;

/**
 * Answers `error` to a request whose body has not been read to its end, then keeps reading and
 * discarding the body until it ends, LINGER_MAX_BYTES more arrive or LINGER_MAX_MS pass, and only
 * then finishes the response (which closes the connection: `Connection: close`).
 *
 * The answer is written whole, with its Content-Length, before the read: a client sees the
 * complete answer at once, even while it is still sending.
 */
export function answerAndLinger(
  req: Request,
  res: Response,
  error: ServiceError,
  bounds: { maxBytes?: number; maxMs?: number } = {},
): void {
  const body = JSON.stringify({ error: { code: error.code, message: error.message } });
  res.status(HTTP_STATUS_BY_CODE[error.code]);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', String(Buffer.byteLength(body)));
  res.setHeader('Connection', 'close');
  if (error.code === 'rate_limited' && isRetryAfter(error.details)) {
    res.setHeader('Retry-After', String(error.details.retryAfterS));
  }
  if (req.complete) {
    res.end(body);
    return;
  }
  res.write(body);

  const maxBytes = bounds.maxBytes ?? LINGER_MAX_BYTES;
  let drained = 0;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    req.off('data', discard);
    req.off('end', finish);
    req.off('close', finish);
    // Past a bound the rest is not worth reading: ending the response closes the connection.
    res.end();
  };
  const discard = (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > maxBytes) finish();
  };
  const timer = setTimeout(finish, bounds.maxMs ?? LINGER_MAX_MS);
  // Never what keeps a stopping server alive.
  timer.unref();
  req.on('data', discard);
  req.once('end', finish);
  req.once('close', finish);
  req.resume();
}
