import type { ExportTarget } from '../core/export/data-export';
import { ZipWriter } from '../core/export/zip-writer';

/*
 * "Export my data" in the web app (issue #17), the Worker's side: the archive is written entry by
 * entry into a file of the origin private file system (outside the SQLite pool), so a large export
 * goes to disk as it is made instead of into memory; the page then offers that file as a download
 * (export-download.ts), which the browser reads from disk too. Only the newest export is kept.
 */

/** The folder of the origin private file system that holds the export. */
export const EXPORT_DIRECTORY = 'chitchat-exports';

/** Raw deflate through the browser's CompressionStream. */
async function deflateRaw(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([new Uint8Array(data)])
    .stream()
    .pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The export's target in OPFS, for `exportArchive` (data-export.ts). */
export async function opfsExportTarget(fileName: string, modified: Date): Promise<ExportTarget> {
  const root = await navigator.storage.getDirectory();
  // An earlier export would only take space: the folder holds the newest alone.
  await root.removeEntry(EXPORT_DIRECTORY, { recursive: true }).catch(() => undefined);
  const dir = await root.getDirectoryHandle(EXPORT_DIRECTORY, { create: true });
  const handle = await dir.getFileHandle(fileName, { create: true });
  const writable = await handle.createWritable();
  let bytes = 0;
  let closed = false;
  const zip = new ZipWriter(
    {
      async write(chunk) {
        await writable.write(new Uint8Array(chunk));
        bytes += chunk.length;
      },
      async close() {
        if (closed) return;
        closed = true;
        await writable.close();
      },
    },
    deflateRaw,
    modified,
  );
  return {
    zip,
    async commit() {
      return { path: `${EXPORT_DIRECTORY}/${fileName}`, bytes };
    },
    async discard() {
      await dir.removeEntry(fileName).catch(() => undefined);
    },
  };
}
