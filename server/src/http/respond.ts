import type { ErrorRequestHandler, Request, RequestHandler, Response, NextFunction } from 'express';
import type { z } from 'zod';
import { HTTP_STATUS_BY_CODE, type ErrorBody } from '@chitchat/shared';
import type { Logger } from '../logger';
import { ServiceError } from '../services/errors';
import type { AccessClaims } from '../services/tokens';

/** Parses untrusted input with a shared schema, or throws `invalid_payload` naming the fields. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({
      path: i.path.join('.'),
      message: i.message,
    }));
    const first = details[0];
    const summary = first ? `${first.path || 'body'}: ${first.message}` : 'invalid input';
    throw new ServiceError('invalid_payload', `Invalid request (${summary}).`, details);
  }
  return parsed.data;
}

/** Wraps an async route so a thrown error reaches the error handler. */
export const route =
  (handler: (req: Request, res: Response) => Promise<void>): RequestHandler =>
  (req, res, next: NextFunction) => {
    handler(req, res).catch(next);
  };

export const sendError = (res: Response, status: number, error: ErrorBody) => {
  res.status(status).json({ error: { code: error.code, message: error.message } });
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (error instanceof ServiceError) {
      if (error.code === 'rate_limited' && isRetryAfter(error.details)) {
        res.setHeader('Retry-After', String(error.details.retryAfterS));
      }
      sendError(res, HTTP_STATUS_BY_CODE[error.code], { code: error.code, message: error.message });
      return;
    }
    // body-parser errors carry `type` and `status`.
    const type =
      typeof error === 'object' && error !== null && 'type' in error ? error.type : undefined;
    if (type === 'entity.too.large') {
      sendError(res, 413, { code: 'payload_too_large', message: 'The request body is too large.' });
      return;
    }
    if (
      type === 'entity.parse.failed' ||
      type === 'encoding.unsupported' ||
      type === 'charset.unsupported'
    ) {
      sendError(res, 400, {
        code: 'invalid_payload',
        message: 'The request body is not valid JSON.',
      });
      return;
    }
    logger.error({ err: error, method: req.method, url: req.originalUrl }, 'request failed');
    sendError(res, 500, { code: 'internal', message: 'Something went wrong on the server.' });
  };
}

export const isRetryAfter = (details: unknown): details is { retryAfterS: number } =>
  typeof details === 'object' && details !== null && 'retryAfterS' in details;

/** The authenticated caller, set by the `requireAuth` middleware. */
export function authOf(res: Response): AccessClaims {
  const auth: unknown = res.locals.auth;
  if (typeof auth !== 'object' || auth === null)
    throw new ServiceError('unauthorized', 'Sign in first.');
  return auth as AccessClaims;
}

export function bearerToken(req: Request): string | null {
  const header = req.headers.authorization;
  if (header === undefined) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? null;
}
