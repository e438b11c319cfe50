import type { ClientRequestName, RequestAnswer, RequestPayload } from '@chitchat/shared';

/** One request to the server with an ack timeout (the engine's `call`). */
export type Call = <E extends ClientRequestName>(
  event: E,
  payload: RequestPayload<E>,
) => Promise<RequestAnswer<E>>;

/** A request the server refused (its error code) or did not answer in time (`timeout`). */
export class RequestFailed extends Error {
  override name = 'RequestFailed';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Exponential backoff with jitter from `baseMs`, up to 30 s. */
export function backoffDelay(baseMs: number, attempts: number): number {
  return Math.min(30_000, baseMs * 2 ** Math.min(attempts, 10)) * (0.5 + Math.random() / 2);
}
