import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ssoStartQuerySchema } from '@chitchat/shared';
import {
  SSO_FLOW_KEY,
  SSO_REFUSALS,
  createSsoRedirect,
  parseSsoFragment,
  ssoOutcome,
  takePendingFlow,
  type PendingSsoFlow,
} from './sso-redirect';

const CODE = 'c'.repeat(43);
const STATE = 'S7a_-state-0123456789';
const flow: PendingSsoFlow = {
  state: STATE,
  codeVerifier: 'v'.repeat(43),
  purpose: 'sign-in',
  serverUrl: 'https://chat.example',
};

/** sessionStorage as a Map (Node has no Web Storage). */
function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, value),
  };
}

/** The parts of a browser window the bridge uses, at `href` (a fake: Node has no window). */
function fakeWindow(href: string, storage = memoryStorage()) {
  const url = new URL(href);
  const assigned: string[] = [];
  const location = {
    get hash() {
      return url.hash;
    },
    get pathname() {
      return url.pathname;
    },
    get search() {
      return url.search;
    },
    get origin() {
      return url.origin;
    },
    get href() {
      return url.href;
    },
    assign: (to: string) => void assigned.push(to),
  };
  const history = {
    replaceState: (_data: unknown, _unused: string, to: string) => {
      const next = new URL(to, url);
      url.hash = next.hash;
      url.pathname = next.pathname;
      url.search = next.search;
    },
  };
  const win = { location, history, sessionStorage: storage } as unknown as Window;
  return { win, assigned, url, storage };
}

describe('the web app’s single sign-on return (#sso&…)', () => {
  it('reads a code and state; other addresses are not a return', () => {
    expect(parseSsoFragment(`#sso&code=${CODE}&state=${STATE}`)).toEqual({
      kind: 'code',
      code: CODE,
      state: STATE,
    });
    expect(parseSsoFragment('')).toBeNull();
    expect(parseSsoFragment('#chat=abc')).toBeNull();
    expect(parseSsoFragment('#ssox&code=1')).toBeNull();
  });

  it('reads the server’s refusal with its message', () => {
    const message = 'This server does not take new accounts; ask its admin to create one for you.';
    const hash = `#sso&${new URLSearchParams({ error: 'forbidden', message, state: STATE }).toString()}`;
    expect(parseSsoFragment(hash)).toEqual({
      kind: 'error',
      code: 'forbidden',
      message,
      state: STATE,
    });
    const long = parseSsoFragment(`#sso&error=forbidden&message=${'x'.repeat(5000)}`);
    expect(long?.kind === 'error' ? long.message.length : 0).toBe(500);
  });

  it('a code or state of the wrong shape is malformed', () => {
    for (const hash of [
      '#sso',
      `#sso&code=${CODE}`,
      `#sso&state=${STATE}`,
      `#sso&code=${CODE.slice(1)}&state=${STATE}`,
      `#sso&code=${CODE}&state=short`,
      `#sso&code=${CODE}&state=${STATE}%3Cscript%3E`,
    ])
      expect(parseSsoFragment(hash), hash).toEqual({ kind: 'malformed' });
  });

  it('a matching state gives the code with the kept verifier', () => {
    const outcome = ssoOutcome({ kind: 'code', code: CODE, state: STATE }, flow);
    expect(outcome).toEqual({
      kind: 'code',
      purpose: 'sign-in',
      serverUrl: flow.serverUrl,
      proof: { code: CODE, codeVerifier: flow.codeVerifier },
    });
  });

  it('refuses a state this tab did not make, a return with no kept flow, and a malformed one', () => {
    const tampered = ssoOutcome({ kind: 'code', code: CODE, state: `${STATE}x` }, flow);
    expect(tampered).toEqual({
      kind: 'refused',
      purpose: 'sign-in',
      message: SSO_REFUSALS.stateMismatch,
    });
    expect(ssoOutcome({ kind: 'code', code: CODE, state: STATE }, null)).toEqual({
      kind: 'refused',
      purpose: null,
      message: SSO_REFUSALS.notStarted,
    });
    expect(ssoOutcome({ kind: 'malformed' }, flow)).toMatchObject({
      kind: 'refused',
      message: SSO_REFUSALS.malformed,
    });
    // A refusal whose state is not this tab's is not shown as the server's word.
    const forged = ssoOutcome(
      {
        kind: 'error',
        code: 'forbidden',
        message: 'Call this number',
        state: 'another-state-0123',
      },
      flow,
    );
    expect(forged).toMatchObject({ message: SSO_REFUSALS.stateMismatch });
    const refused = ssoOutcome(
      { kind: 'error', code: 'forbidden', message: '', state: STATE },
      {
        ...flow,
        purpose: 'reauthenticate',
      },
    );
    expect(refused).toEqual({
      kind: 'refused',
      purpose: 'reauthenticate',
      message: "This account can't sign in to this server. Ask the server's admin.",
    });
    expect(
      ssoOutcome({ kind: 'error', code: 'internal', message: ' ', state: STATE }, flow),
    ).toMatchObject({ message: 'Signing in did not work. Try again.' });
  });

  it('the kept flow is read once, and junk counts as none', () => {
    const storage = memoryStorage();
    storage.setItem(SSO_FLOW_KEY, JSON.stringify(flow));
    expect(takePendingFlow(storage)).toEqual(flow);
    expect(takePendingFlow(storage)).toBeNull();
    storage.setItem(SSO_FLOW_KEY, '{not json');
    expect(takePendingFlow(storage)).toBeNull();
    expect(storage.getItem(SSO_FLOW_KEY)).toBeNull();
    storage.setItem(SSO_FLOW_KEY, JSON.stringify({ ...flow, purpose: 'admin' }));
    expect(takePendingFlow(storage)).toBeNull();
    storage.setItem(SSO_FLOW_KEY, JSON.stringify({ ...flow, returnTo: 42 }));
    expect(takePendingFlow(storage)).toEqual(flow);
  });

  it('the open conversation rides along, whatever the outcome', () => {
    const kept = { ...flow, purpose: 'reauthenticate' as const, returnTo: 'conv-7' };
    expect(ssoOutcome({ kind: 'code', code: CODE, state: STATE }, kept)).toMatchObject({
      kind: 'code',
      purpose: 'reauthenticate',
      returnTo: 'conv-7',
    });
    expect(ssoOutcome({ kind: 'code', code: CODE, state: `${STATE}x` }, kept)).toMatchObject({
      kind: 'refused',
      returnTo: 'conv-7',
    });
    expect(ssoOutcome({ kind: 'code', code: CODE, state: STATE }, flow)).not.toHaveProperty(
      'returnTo',
    );
  });
});

describe('the page’s single sign-on bridge', () => {
  it('begin keeps a PKCE pair and state for this tab and goes to the start route with client=web', async () => {
    const { win, assigned, storage } = fakeWindow('https://chat.example/');
    const bridge = createSsoRedirect(win);
    await bridge.begin({
      purpose: 'sign-in',
      serverUrl: 'https://chat.example',
      inviteCode: 'inv-1',
    });
    const kept = JSON.parse(storage.getItem(SSO_FLOW_KEY) ?? 'null') as PendingSsoFlow;
    expect(kept.purpose).toBe('sign-in');
    expect(kept.serverUrl).toBe('https://chat.example');
    const start = new URL(assigned[0] ?? '');
    expect(start.origin + start.pathname).toBe('https://chat.example/api/auth/oidc/start');
    const query = ssoStartQuerySchema.parse(Object.fromEntries(start.searchParams));
    expect(query).toMatchObject({ client: 'web', state: kept.state, inviteCode: 'inv-1' });
    expect(query.purpose).toBeUndefined();
    expect(query.codeChallenge).toBe(
      createHash('sha256').update(kept.codeVerifier).digest('base64url'),
    );

    await bridge.begin({ purpose: 'reauthenticate', returnTo: 'conv-7' });
    expect(new URL(assigned[1] ?? '').searchParams.get('purpose')).toBe('reauthenticate');
    // The conversation stays in this tab's storage, never in the address.
    expect(assigned[1]).not.toContain('conv-7');
    expect(takePendingFlow(storage)).toMatchObject({ returnTo: 'conv-7' });
    // Another server's single sign-on cannot come back to this page.
    await expect(
      bridge.begin({ purpose: 'sign-in', serverUrl: 'https://other.example' }),
    ).rejects.toThrow(/only to its own server/);
  });

  it('takes the return out of the address bar and storage at once; the screen takes it once', () => {
    const storage = memoryStorage();
    storage.setItem(SSO_FLOW_KEY, JSON.stringify(flow));
    const { win, url } = fakeWindow(
      `https://chat.example/?x=1#sso&code=${CODE}&state=${STATE}`,
      storage,
    );
    const bridge = createSsoRedirect(win);
    expect(url.hash).toBe('');
    expect(url.href).toBe('https://chat.example/?x=1');
    expect(storage.getItem(SSO_FLOW_KEY)).toBeNull();
    expect(bridge.peek()?.kind).toBe('code');
    expect(bridge.take('reauthenticate')).toBeNull();
    expect(bridge.take('sign-in')).toMatchObject({ kind: 'code', proof: { code: CODE } });
    expect(bridge.take('sign-in')).toBeNull();
  });

  it('a return with nothing kept (another tab, a reload of a used return) is refused on the sign-in screen', () => {
    const { win, url } = fakeWindow(`https://chat.example/#sso&code=${CODE}&state=${STATE}`);
    const bridge = createSsoRedirect(win);
    expect(url.hash).toBe('');
    expect(bridge.take('reauthenticate')).toBeNull();
    expect(bridge.take('sign-in')).toEqual({
      kind: 'refused',
      purpose: null,
      message: SSO_REFUSALS.notStarted,
    });
  });

  it('leaves every other address alone', () => {
    const { win, url } = fakeWindow('https://chat.example/#chat=c1');
    expect(createSsoRedirect(win).peek()).toBeNull();
    expect(url.hash).toBe('#chat=c1');
  });
});
