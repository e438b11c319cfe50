import { createHash, randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SSO_LOOPBACK_PATH } from '@chitchat/shared';
import { ssoStartUrl } from '../common/sso';
import { ChatClientError } from './client-errors';
import type { CodeFromBrowser } from './sso-sign-in';

/*
 * The desktop's half of single sign-on (issue #18, RFC 8252): the engine listens on 127.0.0.1 on a
 * random port for the one redirect, and takes the one-time code the server sends back to that
 * port. Node only: the Node host (host.node.ts) hands it to the engine.
 */

const page = (title: string, text: string) =>
  `<!doctype html><meta charset="utf-8"><title>chitchat</title>` +
  `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem">` +
  `<h1 style="font-size:1.3rem">${title}</h1><p>${text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')}</p></body>`;

const answer = (res: ServerResponse, status: number, title: string, text: string) => {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'close',
    // The page only says what happened: nothing on it may load or run.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  });
  res.end(page(title, text));
};

/**
 * Runs one browser sign-in: resolves with the one-time code and its PKCE verifier, or rejects with
 * the server's refusal (`forbidden`, ...), `cancelled` or `timeout` (from `signal`).
 */
export const codeFromBrowser: CodeFromBrowser = async (input) => {
  const { signal } = input;
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(24).toString('base64url');

  let settle: { resolve(code: string): void; reject(error: Error): void } | undefined;
  const outcome = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // The redirect (or a cancel) can come while the browser is still being opened: the outcome is
  // awaited only after that, so its rejection must not count as unhandled meanwhile.
  outcome.catch(() => undefined);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== SSO_LOOPBACK_PATH) {
      res.writeHead(404).end();
      return;
    }
    // Only the redirect of the sign-in this app started counts; anything else changes nothing.
    if (url.searchParams.get('state') !== state) {
      answer(
        res,
        400,
        'Not this sign-in',
        'This page does not belong to the sign-in the app is waiting for.',
      );
      return;
    }
    const code = url.searchParams.get('code');
    if (code !== null) {
      answer(res, 200, 'You are signed in', 'You can close this window and go back to chitchat.');
      settle?.resolve(code);
      return;
    }
    const message = url.searchParams.get('message') ?? 'The server refused this sign-in.';
    answer(res, 403, 'Sign-in did not work', `${message} You can close this window.`);
    settle?.reject(new ChatClientError(url.searchParams.get('error') ?? 'forbidden', message));
  });
  const onAbort = () => {
    const reason: unknown = signal.reason;
    settle?.reject(
      reason instanceof Error && reason.name === 'TimeoutError'
        ? new ChatClientError('timeout', 'The sign-in in the browser took too long; try again.')
        : new ChatClientError('cancelled', 'Cancelled.'),
    );
  };
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    const port = (server.address() as AddressInfo).port;
    await input.openBrowser(
      ssoStartUrl(input.serverUrl, {
        client: 'desktop',
        port,
        state,
        codeChallenge: challenge,
        ...(input.inviteCode === undefined ? {} : { inviteCode: input.inviteCode }),
        purpose: input.reauthenticate === true ? 'reauthenticate' : 'sign-in',
      }),
    );
    return { code: await outcome, verifier };
  } finally {
    signal.removeEventListener('abort', onAbort);
    // The page just answered still goes out (its connection closes after it); nothing new comes in.
    server.close();
    server.closeIdleConnections();
  }
};
