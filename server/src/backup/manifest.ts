import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** The first entry of every backup archive: what it holds, so a restore can check before it acts. */
export const MANIFEST_FILE_NAME = 'chitchat-backup.json';

/** Raised when the archive's layout changes incompatibly; a restore refuses newer formats. */
export const BACKUP_FORMAT_VERSION = 1;

const countsSchema = z.object({
  users: z.number().int().nonnegative(),
  conversations: z.number().int().nonnegative(),
  events: z.number().int().nonnegative(),
  media: z.number().int().nonnegative(),
});
export type BackupCounts = z.infer<typeof countsSchema>;

export const manifestSchema = z.object({
  format: z.literal('chitchat-backup'),
  version: z.number().int().positive(),
  /** Which store wrote it: a restore goes into the same kind (copy-store moves between kinds). */
  store: z.enum(['sqlite', 'mongodb']),
  createdAt: z.iso.datetime(),
  /** The epoch of the store backed up; the restored store gets a new one. */
  storeEpoch: z.string().min(1),
  schemaVersion: z.number().int().nonnegative(),
  counts: countsSchema,
  /** Media files the store listed but the disk no longer had (swept while the backup ran). */
  missingMedia: z.number().int().nonnegative(),
});
export type BackupManifest = z.infer<typeof manifestSchema>;

/** An archive, or a restore target, the operator must fix: exit status 1 with this message. */
export class BackupError extends Error {
  override name = 'BackupError';
}

/** Reads and checks the manifest of an extracted archive. */
export function readManifest(dir: string, archive: string): BackupManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path.join(dir, MANIFEST_FILE_NAME), 'utf8'));
  } catch {
    throw new BackupError(`${archive} is not a chitchat backup (it has no ${MANIFEST_FILE_NAME}).`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new BackupError(`${archive} has a damaged manifest: ${parsed.error.issues[0]?.message}.`);
  }
  if (parsed.data.version > BACKUP_FORMAT_VERSION) {
    throw new BackupError(
      `${archive} was written by a newer chitchat (backup format ${parsed.data.version}); upgrade the server first.`,
    );
  }
  return parsed.data;
}

/** The summary line both commands print. */
export const describeCounts = (c: BackupCounts): string =>
  `${c.users} users, ${c.conversations} conversations, ${c.events} events, ${c.media} media files`;
