import type { IncomingMessage } from 'node:http';
import {
  MIN_PROTOCOL,
  PROTOCOL_VERSION,
  handshakeAuthSchema,
  type HandshakeErrorData,
} from '@chitchat/shared';
import type { Logger } from '../logger';
import type { AccountsService } from '../services/accounts';
import { ServiceError } from '../services/errors';
import type { ChatSocket } from './types';

/** A `connect_error` for the client: the message is the stable code, data names the supported range. */
function refusal(
  code: HandshakeErrorData['code'],
  reason: string,
): Error & { data: HandshakeErrorData } {
  const error = new Error(code) as Error & { data: HandshakeErrorData };
  error.data = { code, minProtocol: MIN_PROTOCOL, maxProtocol: PROTOCOL_VERSION, message: reason };
  return error;
}

/**
 * Socket.io middleware: `auth: { token, protocol }` must carry a supported protocol version and the
 * access token of a device that is still signed in.
 */
export function handshake(
  accounts: AccountsService,
  logger: Logger,
  addressOf: (request: IncomingMessage) => string,
) {
  return (socket: ChatSocket, next: (err?: Error) => void) => {
    // The same address the HTTP auth limits see (TRUST_PROXY), never Socket.io's raw peer address.
    socket.data.address = addressOf(socket.request);
    const parsed = handshakeAuthSchema.safeParse(socket.handshake.auth);
    if (!parsed.success) {
      const protocol: unknown = (socket.handshake.auth as Record<string, unknown> | undefined)
        ?.protocol;
      if (typeof protocol === 'number' && Number.isInteger(protocol) && !isSupported(protocol)) {
        next(refusal('unsupported_protocol', unsupportedMessage(protocol)));
        return;
      }
      next(refusal('unauthorized', 'The handshake needs auth: { token, protocol }.'));
      return;
    }
    const { token, protocol } = parsed.data;
    if (!isSupported(protocol)) {
      next(refusal('unsupported_protocol', unsupportedMessage(protocol)));
      return;
    }
    accounts.authenticate(token).then(
      (claims) => {
        socket.data.userId = claims.userId;
        socket.data.deviceId = claims.deviceId;
        socket.data.protocol = protocol;
        next();
      },
      (error: unknown) => {
        if (error instanceof ServiceError && error.code === 'unauthorized') {
          next(refusal('unauthorized', error.message));
          return;
        }
        logger.error({ err: error, address: socket.data.address }, 'handshake failed');
        next(refusal('internal', 'The server could not check the sign-in; try again.'));
      },
    );
  };
}

const isSupported = (protocol: number) => protocol >= MIN_PROTOCOL && protocol <= PROTOCOL_VERSION;

const unsupportedMessage = (protocol: number) =>
  `Protocol ${protocol} is not supported; this server speaks ${MIN_PROTOCOL} to ${PROTOCOL_VERSION}. Update the app.`;
