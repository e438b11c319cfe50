// No import of the driver or of @chitchat/shared: the commit thread (./commit-thread.ts) loads
// this file and starts faster without them.

/** A write refused by a UNIQUE or PRIMARY KEY constraint. */
export function isUniqueError(error: unknown): boolean {
  return (
    error instanceof Error &&
    'code' in error &&
    (error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
  );
}
