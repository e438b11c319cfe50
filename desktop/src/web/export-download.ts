import type { SessionState } from '../common/contract';
import type { ChatHostBridge } from '../common/rpc';
import { EXPORT_DIRECTORY } from './export-opfs';

/*
 * "Export my data" in the web app (issue #17), the page's side: the Worker wrote the zip into the
 * origin private file system (export-opfs.ts); the page hands that file to the browser as a
 * download (a blob: address of the file, which stays on disk, and an anchor with `download`).
 * Signing out deletes it with the rest of the account's local data.
 */

/** Offers the export at `path` (as the engine answered it) as a download named `fileName`. */
export async function downloadExport(doc: Document, path: string, fileName: string): Promise<void> {
  const [folder, name] = path.split('/');
  if (folder !== EXPORT_DIRECTORY || name === undefined) throw new Error('No such export.');
  const root = await navigator.storage.getDirectory();
  const file = await (await (await root.getDirectoryHandle(folder)).getFileHandle(name)).getFile();
  const url = URL.createObjectURL(file);
  const anchor = doc.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.hidden = true;
  doc.body.append(anchor);
  anchor.click();
  anchor.remove();
  // The download has its own reference to the file once started; the address can go soon after.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Deletes the export kept in OPFS when the account signs out of this browser. */
export function forgetExportOnSignOut(host: ChatHostBridge): () => void {
  return host.subscribe((name, payload) => {
    if (name !== 'session' || (payload as SessionState).status !== 'signed_out') return;
    navigator.storage
      .getDirectory()
      .then((root) => root.removeEntry(EXPORT_DIRECTORY, { recursive: true }))
      .catch(() => undefined);
  });
}
