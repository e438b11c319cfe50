import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

/** The repository root, where docker-compose.yml and deploy/ live. */
export const repoRoot = path.resolve(import.meta.dirname, '../../..');

/** A YAML file of the repository as plain data (merge keys `<<:` applied, as Compose does). */
export function readYaml(relative: string): unknown {
  return parse(readFileSync(path.join(repoRoot, relative), 'utf8'), { merge: true });
}

/** Every document of a multi-document YAML file (Kubernetes manifests). */
export function readYamlDocuments(relative: string): unknown[] {
  return parseAllDocuments(readFileSync(path.join(repoRoot, relative), 'utf8')).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${relative}: ${doc.errors[0]?.message}`);
    return doc.toJS() as unknown;
  });
}

/** `15s`, `1m30s`, `500ms` (Compose durations) in milliseconds. */
export function durationMs(value: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 0.001 };
  let total = 0;
  const rest = value.replace(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g, (_, n: string, unit: string) => {
    total += Number(n) * (units[unit] ?? Number.NaN);
    return '';
  });
  if (rest !== '' || Number.isNaN(total)) throw new Error(`not a duration: ${value}`);
  return total;
}
