import type { Statements } from './statements';

/** A value of the store's own bookkeeping (cursor, epoch, pending drafts...), or null. */
export function readMeta(statements: Statements, key: string): string | null {
  return statements.getMeta.get(key)?.value ?? null;
}

export function writeMeta(statements: Statements, key: string, value: string | null): void {
  if (value === null) statements.deleteMeta.run(key);
  else statements.setMeta.run(key, value);
}
