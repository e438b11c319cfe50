/** Fuzz helpers for the wire: answers with a timeout, payloads as the server sees them. */
import type { ClientSocket } from '../harness';

/**
 * How long an answer may take before it counts as missing. Generous: in a full run the fuzz files
 * share two cores with Chromium and several server processes, and a slow answer is not a lost one.
 */
export const ACK_TIMEOUT_MS = 20_000;

export type Loose = Record<string, unknown>;
export const isObject = (v: unknown): v is Loose =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function containsBinary(value: unknown, depth = 0): boolean {
  if (depth > 4_000) return false;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return true;
  if (Array.isArray(value)) return value.some((v) => containsBinary(v, depth + 1));
  if (typeof value === 'object' && value !== null && !(value instanceof Date))
    return Object.values(value).some((v) => containsBinary(v, depth + 1));
  return false;
}

/** The payload as the server sees it after JSON encoding (only for payloads without binary). */
export function wireForm(value: unknown): unknown {
  return (JSON.parse(JSON.stringify([value])) as unknown[])[0];
}

export function describePayload(value: unknown): string {
  const json = JSON.stringify([value], (_k, v: unknown) =>
    ArrayBuffer.isView(v) ? `<binary ${v.byteLength} bytes>` : v,
  );
  return json.length > 600 ? `${json.slice(0, 600)}... (${json.length} chars)` : json;
}

export type Answer = { answered: true; answer: unknown } | { answered: false; reason: string };

/** Emits with an ack and a timeout; resolves with the answer or why there was none. */
export function emitWithAck(
  socket: ClientSocket,
  event: string,
  args: unknown[],
  timeoutMs = ACK_TIMEOUT_MS,
): Promise<Answer> {
  return new Promise((resolve) => {
    const timed = socket.timeout(timeoutMs) as unknown as {
      emit(ev: string, ...rest: unknown[]): void;
    };
    timed.emit(event, ...args, (error: Error | null, answer: unknown) => {
      resolve(error ? { answered: false, reason: error.message } : { answered: true, answer });
    });
  });
}

export const emitRaw = (socket: ClientSocket, event: string, ...args: unknown[]) =>
  (socket as unknown as { emit(ev: string, ...rest: unknown[]): void }).emit(event, ...args);
