import { migration001 } from './001-accounts';

/** Numbered migrations; index + 1 is the schema version (`PRAGMA user_version`). Never edit one that shipped. */
export const migrations: readonly string[] = [migration001];
