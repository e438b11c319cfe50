import { createECDH, randomBytes, type ECDH } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decrypt } from 'http_ece';
import { expect } from 'vitest';
import { webPushPayloadSchema, type WebPushPayload } from '@chitchat/shared';

/*
 * A push service on loopback and a browser's side of a subscription, for the Web Push tests of
 * the server (web-push.test.ts) and of the web app in Chromium (desktop/test/e2e): what a real
 * browser and push service do, with keys the test generates.
 */

/** A push request as the local push service received it. */
export interface PushRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Answers it (the service answers 201 at once unless told to hold). */
  answer(status: number): void;
}

/**
 * A push service on loopback (RFC 8030's receiving side): records each request and answers it
 * with the status set for its path (201 by default), or holds it for the test to answer.
 */
export async function startPushService() {
  const received: PushRequest[] = [];
  const waiters: { path: string; resolve: (request: PushRequest) => void }[] = [];
  const statusOf = new Map<string, number | 'hold'>();
  const seen = new Set<PushRequest>();
  const server = createServer((req, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      const request: PushRequest = {
        path,
        headers: req.headers,
        body: Buffer.concat(chunks),
        answer: (status) => res.writeHead(status).end(),
      };
      received.push(request);
      const status = statusOf.get(path) ?? 201;
      if (status !== 'hold') request.answer(status);
      const waiter = waiters.findIndex((w) => w.path === path);
      if (waiter >= 0) waiters.splice(waiter, 1)[0]?.resolve(request);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    received,
    statusOf,
    /** The next request to `path` (one already received and not yet taken counts). */
    next(path: string, timeoutMs = 5_000): Promise<PushRequest> {
      const taken = received.find((r) => r.path === path && !seen.has(r));
      if (taken !== undefined) {
        seen.add(taken);
        return Promise.resolve(taken);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no push to ${path} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          path,
          resolve: (request) => {
            clearTimeout(timer);
            seen.add(request);
            resolve(request);
          },
        });
      });
    },
    to: (path: string) => received.filter((r) => r.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A browser's side of a subscription: its P-256 key pair and 16-byte auth secret. */
export interface BrowserKeys {
  ecdh: ECDH;
  auth: Buffer;
  json: { p256dh: string; auth: string };
}
export function browserKeys(): BrowserKeys {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return {
    ecdh,
    auth,
    json: { p256dh: ecdh.getPublicKey('base64url'), auth: auth.toString('base64url') },
  };
}

/** Decrypts a push body (aes128gcm, RFC 8291) with the subscription's keys, and checks it. */
export function opened(request: PushRequest, keys: BrowserKeys): WebPushPayload {
  expect(request.headers['content-encoding']).toBe('aes128gcm');
  const plain = decrypt(request.body, {
    version: 'aes128gcm',
    privateKey: keys.ecdh,
    authSecret: keys.auth,
  });
  return webPushPayloadSchema.parse(JSON.parse(plain.toString('utf8')));
}
