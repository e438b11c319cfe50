import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import webpush from 'web-push';
import type { PushSubscriptionRecord } from '../store/push-types';
import type { VapidKeys } from './secrets';
import { isPublicAddress } from '@chitchat/shared';

/** How a push request ended: delivered to the push service, its subscription gone, or failed. */
export type PushOutcome = 'sent' | 'gone' | 'failed';

export interface PushDeliveryOptions {
  vapid: VapidKeys;
  /** The VAPID subject: PUBLIC_URL (an https:// address). */
  subject: string;
  /** WEB_PUSH_ALLOW_LOOPBACK: plain http and loopback addresses allowed (tests, development). */
  allowLoopback: boolean;
  /** Each request's bound, connection and answer included. */
  timeoutMs: number;
  /** How long the push service keeps an undelivered message (the `TTL` header), in seconds. */
  ttlS: number;
}

export interface PushMessage {
  /** The JSON the service worker gets, encrypted to the subscription's keys (RFC 8291). */
  payload: string;
  /** RFC 8030 `Topic`: a push service replaces an undelivered message of the same topic. */
  topic: string;
}

const isLoopback = (address: string) =>
  /^127\./.test(address) || address === '::1' || address === '::ffff:127.0.0.1';

/**
 * Why an endpoint is refused, or null when the server may post to it. Push services are public
 * https hosts (FCM, Mozilla, Apple): anything else would let a subscriber make the server post
 * into its own network (SSRF). The host's resolved addresses are checked again at connect time.
 */
export function endpointProblem(endpoint: string, allowLoopback: boolean): string | null {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'must be an https:// address';
  }
  if (url.username !== '' || url.password !== '') return 'must not carry credentials';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopbackHost = host === 'localhost' || isLoopback(host);
  if (allowLoopback && loopbackHost) return null;
  if (url.protocol !== 'https:') return 'must be an https:// address';
  if (host === 'localhost' || host.endsWith('.localhost')) return 'must be a public host';
  // An address literal must be public; a name is checked when it resolves.
  if (/^[\d.]+$/.test(host) || host.includes(':')) {
    if (!isPublicAddress(host)) return 'must be a public host';
  }
  return null;
}

/**
 * Resolves like `dns.lookup` but fails for any address that is not public (unless loopback is
 * allowed and the address is loopback), so a name that resolves to 10.0.0.1 is refused like
 * 10.0.0.1 itself, at the moment of connecting.
 */
function guardedLookup(allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) {
        callback(error, '', 0);
        return;
      }
      const allowed = addresses.filter(
        (a) => isPublicAddress(a.address) || (allowLoopback && isLoopback(a.address)),
      );
      const first = allowed[0];
      if (first === undefined) {
        callback(
          Object.assign(new Error(`push endpoint ${hostname} is not a public address`), {
            code: 'ENOTPUBLIC',
          }),
          '',
          0,
        );
        return;
      }
      if (options.all === true) callback(null, allowed);
      else callback(null, first.address, first.family);
    });
  };
}

/**
 * Posts one encrypted push (RFC 8030 with VAPID, RFC 8292; payload per RFC 8291, by `web-push`)
 * to a subscription's endpoint with our own request, so that the address guard and the timeout
 * apply (and plain http where tests allow it). 404 and 410 mean the subscription is gone.
 */
export function createPushDelivery(options: PushDeliveryOptions) {
  const lookup = guardedLookup(options.allowLoopback);
  return {
    deliver(subscription: PushSubscriptionRecord, message: PushMessage): Promise<PushOutcome> {
      const details = webpush.generateRequestDetails(
        {
          endpoint: subscription.endpoint,
          keys: { p256dh: subscription.p256dh, auth: subscription.auth },
        },
        message.payload,
        {
          vapidDetails: {
            subject: options.subject,
            publicKey: options.vapid.publicKey,
            privateKey: options.vapid.privateKey,
          },
          TTL: options.ttlS,
          urgency: 'high',
          topic: message.topic,
        },
      );
      const url = new URL(details.endpoint);
      const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
      return new Promise<PushOutcome>((resolve) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(details.headers)) headers[name] = String(value);
        const req = send(url, {
          method: 'POST',
          headers,
          lookup,
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        req.on('response', (res) => {
          res.resume();
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve('sent');
          else if (status === 404 || status === 410) resolve('gone');
          else resolve('failed');
        });
        req.on('error', () => resolve('failed'));
        req.end(details.body ?? undefined);
      });
    },
  };
}

export type PushDelivery = ReturnType<typeof createPushDelivery>;
