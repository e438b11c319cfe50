import type { IncomingMessage } from 'node:http';

/**
 * The client's address as `TRUST_PROXY` resolves it, the same way Express's `trust proxy` does for
 * a hop count: the peer address, then X-Forwarded-For read from the right, one entry per trusted
 * hop. Unset or 0 trusts no proxy, so the header is ignored and a direct client cannot choose the
 * address its rate limits key on. HTTP routes and the Socket.io handshake both call this, so a
 * client has one address everywhere.
 */
export function clientAddress(request: IncomingMessage, trustedHops: number | undefined): string {
  const peer = request.socket.remoteAddress ?? 'unknown';
  if (trustedHops === undefined || trustedHops <= 0) return peer;
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  // Nearest hop first: the peer (our proxy), then what it saw, and so on towards the client.
  const chain = [peer, ...forwarded.reverse()];
  return chain[Math.min(trustedHops, chain.length - 1)] ?? peer;
}

/** Express's `trust proxy` setting for the same hop count (false: trust none). */
export const expressTrustProxy = (trustedHops: number | undefined): number | false =>
  trustedHops === undefined || trustedHops <= 0 ? false : trustedHops;
