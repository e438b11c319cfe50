import { isPublicAddress } from '@chitchat/shared';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { firstLinkIn } from '../../common/links';
import { PUBLIC_ADDRESSES_ONLY, type AddressPolicy } from './address-policy';
import { FetchRefused, fetchBounded, type BoundedFetchOptions } from './fetch-bounded.node.ts';
import { nodeLinkPreviews } from './link-preview.node.ts';
import { parsePage } from './parse-page';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const servers: Server[] = [];
const requests: string[] = [];

/** A real HTTP server on a free loopback port, closed after the test. */
async function serve(handler: Handler): Promise<{ port: number; url: string }> {
  const server = createServer((request, response) => {
    requests.push(request.url ?? '');
    handler(request, response);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, url: `http://127.0.0.1:${port}` };
}

afterEach(async () => {
  requests.length = 0;
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** The test's policy: the public internet, plus this test's own servers on loopback. */
const allowingPorts = (...ports: number[]): AddressPolicy => ({
  allows: (address, port) =>
    PUBLIC_ADDRESSES_ONLY.allows(address, port) ||
    ((address === '127.0.0.1' || address === '::ffff:127.0.0.1') && ports.includes(port)),
});

const bounds = (policy: AddressPolicy, over: Partial<BoundedFetchOptions> = {}) => ({
  policy,
  timeoutMs: 2_000,
  maxBytes: 64 * 1024,
  overflow: 'truncate' as const,
  maxRedirects: 3,
  accept: 'text/html',
  ...over,
});

const refusal = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FetchRefused) return error.reason;
    throw error;
  }
  return 'fetched';
};

const PAGE = `<!doctype html><html><head>
  <title>Fallback title</title>
  <meta property="og:title" content="Lunch &amp; learn">
  <meta name="description" content="  Every   Friday at noon.  ">
  <meta property="og:image" content="/card.png">
</head><body>hello</body></html>`;

describe('address policy: only the public internet by default', () => {
  it('refuses loopback, private, link-local, unique-local, mapped and malformed addresses', () => {
    for (const address of [
      '127.0.0.1',
      '127.1.2.3',
      '10.0.0.8',
      '172.16.4.4',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fc00::1',
      'fd12:3456::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      '::ffff:7f00:1',
      '64:ff9b::a00:1',
      '2002:7f00:1::',
      'localhost',
      '',
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700::6810:84e5', '::ffff:8.8.8.8']) {
      expect(isPublicAddress(address), address).toBe(true);
    }
  });
});

describe('bounded fetch (the link preview fetch on the sender device)', () => {
  it('refuses a loopback or private literal address under the default policy, without connecting', async () => {
    const { port } = await serve((_q, r) => r.end('<title>secret</title>'));
    for (const url of [
      `http://127.0.0.1:${port}/`,
      `http://[::1]:${port}/`,
      'http://10.0.0.1/',
      'http://192.168.0.1/',
      'http://169.254.169.254/latest/meta-data/',
    ]) {
      expect(await refusal(fetchBounded(url, bounds(PUBLIC_ADDRESSES_ONLY))), url).toBe(
        'refused_address',
      );
    }
    expect(requests).toEqual([]);
  });

  it('refuses a name that resolves to 127.0.0.1 under the default policy (checked on the resolved address)', async () => {
    const { port } = await serve((_q, r) => r.end('<title>secret</title>'));
    expect(
      await refusal(fetchBounded(`http://localhost:${port}/`, bounds(PUBLIC_ADDRESSES_ONLY))),
    ).toBe('refused_address');
    expect(requests).toEqual([]);
    // The same name is fetched when the injected policy allows that port.
    const allowed = await fetchBounded(`http://localhost:${port}/`, bounds(allowingPorts(port)));
    expect(allowed.body.toString()).toBe('<title>secret</title>');
  });

  it('refuses schemes other than http(s) and URLs with credentials', async () => {
    const policy = allowingPorts();
    expect(await refusal(fetchBounded('ftp://example.com/', bounds(policy)))).toBe('not_http');
    expect(await refusal(fetchBounded('file:///etc/passwd', bounds(policy)))).toBe('not_http');
    expect(await refusal(fetchBounded('http://u:p@example.com/', bounds(policy)))).toBe('not_http');
  });

  it('times out on a slow server', async () => {
    const { port, url } = await serve(() => {
      // Never answers.
    });
    const started = Date.now();
    const reason = await refusal(
      fetchBounded(url, bounds(allowingPorts(port), { timeoutMs: 300 })),
    );
    expect(reason).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('times out on a server that sends its headers and then trickles', async () => {
    const { port, url } = await serve((_q, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.write('<html>');
    });
    expect(await refusal(fetchBounded(url, bounds(allowingPorts(port), { timeoutMs: 300 })))).toBe(
      'timeout',
    );
  });

  it('reads at most maxBytes of a page, and refuses an oversized image', async () => {
    const big = 'x'.repeat(200_000);
    const { port, url } = await serve((_q, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(big);
    });
    const page = await fetchBounded(url, bounds(allowingPorts(port), { maxBytes: 1_000 }));
    expect(page.body.length).toBe(1_000);
    expect(
      await refusal(
        fetchBounded(url, bounds(allowingPorts(port), { maxBytes: 1_000, overflow: 'refuse' })),
      ),
    ).toBe('too_large');
  });

  it('follows at most maxRedirects redirects, and checks every target like the first', async () => {
    const { port, url } = await serve((request, response) => {
      const hop = Number(/\/hop\/(\d+)/.exec(request.url ?? '')?.[1] ?? 0);
      if (request.url === '/to-private') {
        response.writeHead(302, { location: 'http://10.1.2.3/' });
        response.end();
        return;
      }
      if (hop < 5) {
        response.writeHead(302, { location: `/hop/${hop + 1}` });
        response.end();
        return;
      }
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<title>end</title>');
    });
    const policy = allowingPorts(port);
    expect(await refusal(fetchBounded(`${url}/hop/0`, bounds(policy)))).toBe('too_many_redirects');
    const reached = await fetchBounded(`${url}/hop/2`, bounds(policy));
    expect(reached.url.pathname).toBe('/hop/5');
    expect(await refusal(fetchBounded(`${url}/to-private`, bounds(policy)))).toBe(
      'refused_address',
    );
  });
});

describe('page facts', () => {
  it('prefers Open Graph, falls back to <title> and the description meta, resolves the image', () => {
    const facts = parsePage(PAGE, new URL('https://example.com/post/1'));
    expect(facts).toEqual({
      title: 'Lunch & learn',
      description: 'Every Friday at noon.',
      imageUrl: 'https://example.com/card.png',
    });
    expect(parsePage('<title>Only &#x1F600; this</title>', new URL('https://a.b/'))).toEqual({
      title: 'Only 😀 this',
      description: null,
      imageUrl: null,
    });
    expect(parsePage('<p>no title</p>', new URL('https://a.b/'))).toBeNull();
    // A javascript: image is not an image address.
    expect(
      parsePage(
        '<meta property="og:title" content="x"><meta property="og:image" content="javascript:alert(1)">',
        new URL('https://a.b/'),
      )?.imageUrl,
    ).toBeNull();
  });

  it('finds the first http(s) link in text, without trailing punctuation', () => {
    expect(firstLinkIn('see https://example.com/a?b=1, then')).toBe('https://example.com/a?b=1');
    expect(firstLinkIn('(http://example.org/x).')).toBe('http://example.org/x');
    expect(firstLinkIn('no link, ftp://x.y or javascript:alert(1)')).toBeNull();
  });
});

describe('link previews made on this device', () => {
  it('title, description and image from a local page (its port allowed by the injected policy)', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const { port, url } = await serve((request, response) => {
      if (request.url === '/card.png') {
        response.writeHead(200, { 'content-type': 'image/png' });
        response.end(png);
        return;
      }
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(PAGE);
    });
    const maker = nodeLinkPreviews({ policy: allowingPorts(port) });
    const preview = await maker.preview(`${url}/post`);
    expect(preview).toMatchObject({
      url: `${url}/post`,
      title: 'Lunch & learn',
      description: 'Every Friday at noon.',
      image: { mime: 'image/png' },
    });
    expect(Buffer.from(preview?.image?.bytes ?? []).equals(png)).toBe(true);
    // The default policy makes no preview of the same page.
    expect(await nodeLinkPreviews().preview(`${url}/post`)).toBeNull();
  });

  it('no preview for a page that is not HTML; no image when the image is not one', async () => {
    const { port, url } = await serve((request, response) => {
      if (request.url === '/data') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"title":"x"}');
        return;
      }
      if (request.url === '/card.png') {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<title>not an image</title>');
        return;
      }
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(PAGE);
    });
    const maker = nodeLinkPreviews({ policy: allowingPorts(port) });
    expect(await maker.preview(`${url}/data`)).toBeNull();
    expect((await maker.preview(`${url}/page`))?.image).toBeNull();
  });
});
