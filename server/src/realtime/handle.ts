import type { z } from 'zod';
import {
  fail,
  ok,
  type ClientRequestName,
  type RequestAnswer,
  type Result,
} from '@chitchat/shared';
import type { Logger } from '../logger';
import type { Metrics } from '../http/metrics';
import { ServiceError } from '../services/errors';
import type { ChatSocket } from './types';

type AnyAck = (result: Result<unknown>) => void;

/**
 * Registers a request handler: the payload is checked by its shared schema before the handler runs,
 * the answer is acked as a Result, and no input can make the handler throw past this point.
 * A request without an ack function cannot be answered and is dropped.
 */
export function onRequest<E extends ClientRequestName, S extends z.ZodType>(
  socket: ChatSocket,
  deps: { logger: Logger; metrics: Metrics },
  event: E,
  schema: S,
  handler: (payload: z.output<S>) => Promise<RequestAnswer<E>>,
): void {
  listen(socket, deps, event, schema, handler, true);
}

/** Registers a signal (like `typing`): validated the same way; the ack is optional. */
export function onSignal<S extends z.ZodType>(
  socket: ChatSocket,
  deps: { logger: Logger; metrics: Metrics },
  event: string,
  schema: S,
  handler: (payload: z.output<S>) => Promise<Record<string, never>>,
): void {
  listen(socket, deps, event, schema, handler, false);
}

function listen<S extends z.ZodType, T>(
  socket: ChatSocket,
  deps: { logger: Logger; metrics: Metrics },
  event: string,
  schema: S,
  handler: (payload: z.output<S>) => Promise<T>,
  ackRequired: boolean,
): void {
  const listener = (...args: unknown[]) => {
    const last = args.at(-1);
    const ack = typeof last === 'function' ? (last as AnyAck) : undefined;
    if (ack === undefined && ackRequired) {
      deps.metrics.socketEvents.inc({ event, outcome: 'no_ack' });
      return;
    }
    const payload = ack === undefined || args.length > 1 ? args[0] : undefined;
    run(socket, deps, event, schema, payload, handler).then(
      (result) => ack?.(result),
      // `run` never rejects; this guards against a broken ack function.
      (error: unknown) => deps.logger.error({ err: error, event }, 'ack failed'),
    );
  };
  // Socket.io's typed `on` cannot express "any arguments"; the schema does the typing.
  (socket.on as (name: string, fn: (...args: unknown[]) => void) => void).call(
    socket,
    event,
    listener,
  );
}

async function run<S extends z.ZodType, T>(
  socket: ChatSocket,
  deps: { logger: Logger; metrics: Metrics },
  event: string,
  schema: S,
  payload: unknown,
  handler: (payload: z.output<S>) => Promise<T>,
): Promise<Result<T>> {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    deps.metrics.socketEvents.inc({ event, outcome: 'invalid_payload' });
    const details = parsed.error.issues.map((i) => ({
      path: i.path.join('.'),
      message: i.message,
    }));
    const first = details[0];
    return fail(
      'invalid_payload',
      `Invalid ${event} payload${first ? ` (${first.path || 'payload'}: ${first.message})` : ''}.`,
      details,
    );
  }
  try {
    const data = await handler(parsed.data);
    deps.metrics.socketEvents.inc({ event, outcome: 'ok' });
    return ok(data);
  } catch (error) {
    if (error instanceof ServiceError) {
      deps.metrics.socketEvents.inc({ event, outcome: error.code });
      return fail(error.code, error.message, error.details);
    }
    deps.metrics.socketEvents.inc({ event, outcome: 'internal' });
    deps.logger.error({ err: error, event, userId: socket.data.userId }, 'request failed');
    return fail('internal', 'Something went wrong on the server; try again.');
  }
}
