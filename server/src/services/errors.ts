import { ACCOUNT_ENTRIES_MAX, type ErrorCode } from '@chitchat/shared';
import { StoreRefusal } from '../store/types';

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

export const INVITE_INVALID_MESSAGE =
  'This invite code is not valid: it may have expired, been used up or revoked. Ask an admin of this server for a new invite.';
export const notFound = (message: string) => new ServiceError('not_found', message);
export const unauthorized = (message = 'Sign in again.') =>
  new ServiceError('unauthorized', message);

/** Turns a refused conditional write into the error the client should see. */
export function refusalToError(error: unknown): never {
  if (error instanceof StoreRefusal) {
    switch (error.reason) {
      case 'not_member':
      case 'not_direct_member':
        throw forbidden('You are no longer a member of this conversation.');
      case 'not_found':
        throw notFound('No such message.');
      case 'not_message':
        throw new ServiceError('invalid_payload', 'Only messages can be edited or deleted.');
      case 'already_deleted':
        throw new ServiceError('conflict', 'This message was already deleted.');
      case 'blocked':
        throw forbidden('You cannot send messages to this person.');
      case 'mention_not_member':
        throw new ServiceError(
          'invalid_payload',
          'Only current members of this conversation can be mentioned.',
        );
      case 'account_full':
        throw new ServiceError(
          'payload_too_large',
          `Your account keeps at most ${ACCOUNT_ENTRIES_MAX} starred and deleted-for-me messages; unstar some first.`,
        );
      case 'invite_invalid':
        throw forbidden(INVITE_INVALID_MESSAGE);
    }
  }
  throw error;
}
