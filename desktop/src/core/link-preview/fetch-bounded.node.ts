import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { AddressPolicy } from './address-policy';

/** Why a bounded fetch gave up; the composer simply shows no preview for any of them. */
export type FetchRefusal =
  | 'not_http'
  | 'refused_address'
  | 'timeout'
  | 'too_many_redirects'
  | 'too_large'
  | 'http_status'
  | 'network';

export class FetchRefused extends Error {
  override name = 'FetchRefused';
  constructor(
    readonly reason: FetchRefusal,
    message: string,
  ) {
    super(message);
  }
}

export interface BoundedFetchOptions {
  policy: AddressPolicy;
  /** The whole fetch, redirects included, ends by then (milliseconds). */
  timeoutMs: number;
  /** Bytes read at most. */
  maxBytes: number;
  /** Over `maxBytes`: keep what was read (`truncate`, a page's head is enough) or refuse. */
  overflow: 'truncate' | 'refuse';
  maxRedirects: number;
  accept: string;
}

export interface FetchedBody {
  /** The address that answered, after redirects. */
  url: URL;
  contentType: string;
  body: Buffer;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The port a URL connects to. */
const portOf = (url: URL): number =>
  url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;

/** The host name of a URL without IPv6 brackets. */
const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * A `lookup` for the socket that resolves the name and keeps only the addresses the policy allows,
 * so the connection is never even attempted to a refused address. Node asks with `all: true` when
 * it races address families, and for one address otherwise.
 */
function guardedLookup(policy: AddressPolicy, port: number): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { family: options.family ?? 0, all: true }, (error, found) => {
      if (error !== null) {
        callback(error, '', 0);
        return;
      }
      const allowed = found.filter((a: LookupAddress) => policy.allows(a.address, port));
      const first = allowed[0];
      if (first === undefined) {
        const refusal = new FetchRefused(
          'refused_address',
          `${hostname} resolves only to addresses a preview may not reach`,
        );
        callback(refusal, '', 0);
        return;
      }
      if (options.all === true) (callback as (e: null, a: LookupAddress[]) => void)(null, allowed);
      else callback(null, first.address, first.family);
    });
  };
}

/** One request: the response once its headers arrived, on a connection the policy allowed. */
function requestOnce(
  url: URL,
  options: BoundedFetchOptions,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const port = portOf(url);
  const host = hostOf(url);
  // A literal address is never looked up: check it here, before any connection.
  if (isIP(host) !== 0 && !options.policy.allows(host, port)) {
    return Promise.reject(
      new FetchRefused('refused_address', `${host} is not an address a preview may reach`),
    );
  }
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(url, {
      method: 'GET',
      // A fresh connection each time: never one kept from another host or policy.
      agent: false,
      lookup: guardedLookup(options.policy, port),
      signal,
      headers: {
        accept: options.accept,
        'accept-encoding': 'identity',
        'user-agent': 'chitchat-link-preview/1 (+https://github.com/chitchat)',
      },
    });
    request.once('response', (response) => {
      // Again on the address actually connected to (the lookup already filtered names).
      const remote = response.socket.remoteAddress ?? '';
      if (!options.policy.allows(remote, port)) {
        response.destroy();
        reject(new FetchRefused('refused_address', `connected to ${remote}, which is refused`));
        return;
      }
      resolve(response);
    });
    request.once('error', (error) => {
      if (error instanceof FetchRefused) reject(error);
      else if (signal.aborted) reject(new FetchRefused('timeout', 'the page took too long'));
      else if ((error as { cause?: unknown }).cause instanceof FetchRefused)
        reject((error as { cause: FetchRefused }).cause);
      else reject(new FetchRefused('network', error.message));
    });
    request.end();
  });
}

/** Reads a body up to `maxBytes`: the head of it (`truncate`) or a refusal (`refuse`). */
function readBody(
  response: IncomingMessage,
  options: BoundedFetchOptions,
  signal: AbortSignal,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const declared = Number(response.headers['content-length'] ?? Number.NaN);
    if (options.overflow === 'refuse' && declared > options.maxBytes) {
      reject(new FetchRefused('too_large', `${declared} bytes is more than ${options.maxBytes}`));
      response.destroy();
      return;
    }
    response.on('data', (chunk: Buffer) => {
      const room = options.maxBytes - size;
      if (chunk.length <= room) {
        chunks.push(chunk);
        size += chunk.length;
        return;
      }
      // Settled before the connection is cut: destroying it emits 'aborted' at once.
      if (options.overflow === 'refuse') {
        reject(new FetchRefused('too_large', `more than ${options.maxBytes} bytes`));
      } else {
        chunks.push(chunk.subarray(0, room));
        resolve(Buffer.concat(chunks));
      }
      response.destroy();
    });
    response.once('end', () => resolve(Buffer.concat(chunks)));
    response.once('error', () => {
      if (signal.aborted) reject(new FetchRefused('timeout', 'the page took too long'));
      else reject(new FetchRefused('network', 'the connection broke'));
    });
    response.once('aborted', () => reject(new FetchRefused('timeout', 'the page took too long')));
  });
}

/**
 * GETs an http(s) URL within strict bounds (DESIGN §10, for link previews made on the sender's
 * device): http and https only, every address (redirect targets too) checked by the policy before
 * connecting and on the connected socket, at most `maxRedirects` redirects, `maxBytes` read, and
 * the whole fetch over in `timeoutMs`. Rejects with `FetchRefused`.
 */
export async function fetchBounded(
  address: string,
  options: BoundedFetchOptions,
): Promise<FetchedBody> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    let url = new URL(address);
    for (let redirects = 0; ; redirects++) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new FetchRefused('not_http', `${url.protocol} is not http(s)`);
      }
      if (url.username !== '' || url.password !== '') {
        throw new FetchRefused('not_http', 'addresses with credentials are not fetched');
      }
      const response = await requestOnce(url, options, controller.signal);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (REDIRECTS.has(status) && location !== undefined) {
        response.destroy();
        if (redirects >= options.maxRedirects) {
          throw new FetchRefused('too_many_redirects', `more than ${options.maxRedirects}`);
        }
        url = new URL(location, url);
        continue;
      }
      if (status < 200 || status > 299) {
        response.destroy();
        throw new FetchRefused('http_status', `the page answered ${status}`);
      }
      const body = await readBody(response, options, controller.signal);
      return { url, contentType: response.headers['content-type'] ?? '', body };
    }
  } catch (error) {
    if (error instanceof FetchRefused) throw error;
    if (controller.signal.aborted) throw new FetchRefused('timeout', 'the page took too long');
    throw new FetchRefused('network', error instanceof Error ? error.message : String(error));
  } finally {
    clearTimeout(timer);
  }
}
