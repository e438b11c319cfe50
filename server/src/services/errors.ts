import type { ErrorCode } from '@chitchat/shared';

/** A refusal a client can act on: carries a stable code and a message for people. */
export class ServiceError extends Error {
  override name = 'ServiceError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const forbidden = (message: string) => new ServiceError('forbidden', message);
export const notFound = (message: string) => new ServiceError('not_found', message);
export const unauthorized = (message = 'Sign in again.') =>
  new ServiceError('unauthorized', message);
