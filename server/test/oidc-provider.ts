import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type ClientMetadata } from 'oidc-provider';

// The server's port must be known before it starts: the provider registers its callback.
export { freePort } from './net';

/** What the provider says about a person (the login typed at its form is the subject). */
export interface ProviderProfile {
  preferred_username?: string;
  email?: string;
  name?: string;
}

export interface TestProvider {
  /** The issuer URL (`http://127.0.0.1:<port>`). */
  issuer: string;
  /** Profiles by subject; change one to see what a rename at the provider does. */
  profiles: Map<string, ProviderProfile>;
  /** Registers a relying party; the first is `chitchat`, made by `startProvider`. */
  clients: { id: string; secret: string };
  stop(): Promise<void>;
}

/**
 * A certified OpenID Connect provider (`oidc-provider`) on loopback, with its development login
 * and consent pages (any password is accepted; the login is the subject), for the single sign-on
 * tests in Node and in Chromium. `redirectUris` are chitchat's callbacks; `extraClients` are
 * other relying parties of the same provider.
 */
export async function startProvider(options: {
  redirectUris: string[];
  extraClients?: { id: string; secret: string; redirectUris: string[] }[];
}): Promise<TestProvider> {
  const http: Server = createServer();
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${String((http.address() as AddressInfo).port)}`;
  const profiles = new Map<string, ProviderProfile>();
  const clients = { id: 'chitchat', secret: 'chitchat-test-secret-0123456789abcdef' };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clients.id,
        client_secret: clients.secret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
      ...(options.extraClients ?? []).map((c): ClientMetadata => ({
        client_id: c.id,
        client_secret: c.secret,
        redirect_uris: c.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
      })),
    ],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email'] },
    // Without it, oidc-provider 9 returns the profile claims from userinfo only.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, ...(profiles.get(sub) ?? {}) }),
    }),
    features: { devInteractions: { enabled: true } },
  });
  // Quiet: the development-interactions warning is expected here.
  provider.on('server_error', () => undefined);
  const handle = provider.callback();
  http.on('request', (req, res) => {
    void handle(req, res);
  });
  return {
    issuer,
    profiles,
    clients,
    stop: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

export { SsoBrowser, pkcePair } from './sso-browser';
