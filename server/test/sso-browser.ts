import { createHash, randomBytes } from 'node:crypto';

/**
 * A minimal browser for the single sign-on tests: keeps cookies per host name (as browsers do,
 * whatever the port), follows redirects one by
 * one, and fills oidc-provider's development login and consent forms as a person would, so the
 * whole authorization-code flow runs over real HTTP.
 */
export class SsoBrowser {
  private readonly jar = new Map<string, Map<string, string>>();

  /** One request, no redirect followed; cookies sent and kept. */
  async request(
    url: string,
    init: { method?: string; form?: Record<string, string>; accept?: string } = {},
  ): Promise<{ status: number; location: string | null; body: string }> {
    const target = new URL(url);
    const cookies = [...(this.jar.get(target.hostname) ?? new Map<string, string>())]
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
    const headers: Record<string, string> = { accept: init.accept ?? 'text/html' };
    if (cookies !== '') headers.cookie = cookies;
    let body: string | undefined;
    if (init.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(target, {
      method: init.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      redirect: 'manual',
    });
    this.keep(target.hostname, response.headers.getSetCookie());
    const location = response.headers.get('location');
    return {
      status: response.status,
      location: location === null ? null : new URL(location, target).href,
      body: await response.text(),
    };
  }

  private keep(host: string, setCookies: string[]): void {
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    this.jar.set(host, cookies);
    for (const header of setCookies) {
      const [pair = '', ...attributes] = header.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const expired = attributes.some((a) => {
        const [key = '', value = ''] = a.trim().split('=');
        if (key.toLowerCase() === 'max-age') return Number(value) <= 0;
        if (key.toLowerCase() === 'expires') return Date.parse(value) <= Date.now();
        return false;
      });
      if (expired) cookies.delete(name);
      else cookies.set(name, pair.slice(eq + 1).trim());
    }
  }

  /**
   * Follows redirects from `url`, signing in at the provider as `login` and consenting when it
   * asks, until a redirect goes where `stop` says (answered without requesting it), or a page
   * that is not the provider's form comes.
   */
  async signIn(
    url: string,
    login: string,
    stop: (location: string) => boolean,
  ): Promise<{ stoppedAt: string | null; status: number; body: string }> {
    let next: { url: string; form?: Record<string, string> } = { url };
    for (let hop = 0; hop < 20; hop++) {
      const answer = await this.request(next.url, next.form ? { form: next.form } : {});
      if (answer.location !== null && answer.status >= 300 && answer.status < 400) {
        if (stop(answer.location)) return { stoppedAt: answer.location, ...answer };
        next = { url: answer.location };
        continue;
      }
      const action = /<form[^>]*action="([^"]+)"/.exec(answer.body)?.[1];
      if (answer.status !== 200 || action === undefined) {
        return { stoppedAt: null, status: answer.status, body: answer.body };
      }
      const formUrl = new URL(action.replaceAll('&amp;', '&'), next.url).href;
      next = answer.body.includes('name="login"')
        ? { url: formUrl, form: { prompt: 'login', login, password: 'any password' } }
        : { url: formUrl, form: { prompt: 'consent' } };
    }
    throw new Error('too many redirects');
  }
}

/** A PKCE pair as an app makes it (RFC 7636, S256). */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
