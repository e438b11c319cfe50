import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ConversationView, ExportResult } from '../../common/contract';
import type { ClientParts } from '../client-parts';
import { exportArchive } from './data-export';
import { fileZipWriter } from './zip-writer.node.ts';

/**
 * "Export my data" on the Node host: the archive (data-export.ts) as a zip file in `dir` (made if
 * needed), written under a temporary name and renamed at the end, so a failed export never leaves
 * a half archive behind.
 */
export async function exportData(
  parts: ClientParts,
  conversations: readonly ConversationView[],
  dir: string,
  now = Date.now(),
): Promise<ExportResult> {
  return exportArchive(
    parts,
    conversations,
    async (fileName, modified) => {
      mkdirSync(dir, { recursive: true });
      const target = path.join(dir, fileName);
      const partial = `${target}.partial`;
      return {
        zip: fileZipWriter(partial, modified),
        async commit() {
          renameSync(partial, target);
          return { path: target, bytes: statSync(target).size };
        },
        async discard() {
          rmSync(partial, { force: true });
        },
      };
    },
    now,
  );
}
