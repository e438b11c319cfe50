import { readdirSync } from 'node:fs';
import path from 'node:path';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { SHUTDOWN_LIMIT_MS } from '../../src/realtime/drain';
import { readYamlDocuments, repoRoot } from './files';

// No cluster runs here (DESIGN §8): every manifest is validated against the Kubernetes schemas.
interface Validated {
  validate(): void;
}
type Manifest = { apiVersion: string; kind: string; metadata: { name: string } };
const models: Record<string, new (data: never) => Validated> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/Ingress': Ingress,
};

const folder = 'deploy/k8s';
const manifests = readdirSync(path.join(repoRoot, folder))
  .filter((name) => name.endsWith('.yaml'))
  .flatMap((name) => readYamlDocuments(`${folder}/${name}`) as Manifest[]);

function validate(manifest: Manifest): void {
  const Model = models[`${manifest.apiVersion}/${manifest.kind}`];
  if (Model === undefined) throw new Error(`no schema for ${manifest.apiVersion} ${manifest.kind}`);
  new Model(manifest as never).validate();
}

const find = <T>(kind: string, name: string): T => {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (found === undefined) throw new Error(`${kind} ${name} missing`);
  return found as T;
};

describe('deploy/k8s', () => {
  it('every manifest is valid under the Kubernetes schemas', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(9);
    for (const manifest of manifests) {
      expect(() => validate(manifest), `${manifest.kind} ${manifest.metadata.name}`).not.toThrow();
    }
  });

  it('the validation refuses a broken manifest', () => {
    const broken = structuredClone(find<Manifest>('Deployment', 'chitchat-server')) as unknown as {
      spec: { replicas: unknown };
    };
    broken.spec.replicas = 'two';
    expect(() => validate(broken as unknown as Manifest)).toThrow();
  });

  it('the server: readiness on /readyz, a preStop drain within the grace period, one at a time', () => {
    const server = new Deployment(find('Deployment', 'chitchat-server'));
    const pod = server.spec?.template.spec;
    const container = pod?.containers[0];
    expect(container?.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(container?.livenessProbe?.httpGet?.path).toBe('/healthz');
    const preStop = container?.lifecycle?.preStop?.exec?.command ?? [];
    expect(preStop[0]).toBe('sleep');
    const preStopMs = Number(preStop[1]) * 1000;
    expect(preStopMs).toBeGreaterThan(0);
    expect((pod?.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThan(
      preStopMs + SHUTDOWN_LIMIT_MS,
    );
    expect(server.spec?.strategy?.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    expect(server.spec?.replicas).toBeGreaterThanOrEqual(2);
    expect(container?.envFrom).toEqual([
      { configMapRef: { name: 'chitchat-config' } },
      { secretRef: { name: 'chitchat-secrets' } },
    ]);
  });

  it('keeps a server through disruptions and never routes /metrics', () => {
    const budget = new PodDisruptionBudget(find('PodDisruptionBudget', 'chitchat-server'));
    expect(budget.spec?.minAvailable).toBe(1);
    expect(budget.spec?.selector?.matchLabels).toEqual({
      'app.kubernetes.io/name': 'chitchat-server',
    });
    const service = new Service(find('Service', 'chitchat-server'));
    expect(service.spec?.ports?.map((p) => p.targetPort)).toEqual(['http']);
    const config = new ConfigMap(find('ConfigMap', 'chitchat-config'));
    expect(config.data).toMatchObject({
      TRUST_PROXY: '1',
      METRICS_PORT: '9464',
      REDIS_URL: 'redis://chitchat-redis:6379',
    });
    const secret = new Secret(find('Secret', 'chitchat-secrets'));
    expect(Object.keys(secret.stringData ?? {})).toEqual(
      expect.arrayContaining(['JWT_SECRET', 'MONGODB_URI']),
    );
    expect(secret.stringData?.MONGODB_URI).toMatch(/replicaSet=/);
  });
});
