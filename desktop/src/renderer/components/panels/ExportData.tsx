import { useState } from 'react';
import type { ExportResult } from '../../../common/contract';
import { errorText, fileSize } from '../../format';
import type { AppStore } from '../../state/store';

type Status =
  | { kind: 'idle' }
  | { kind: 'working' }
  | { kind: 'done'; result: ExportResult; downloaded: boolean }
  | { kind: 'error'; text: string };

const count = (n: number, one: string, many: string) =>
  `${n.toLocaleString()} ${n === 1 ? one : many}`;

/** Settings → Your data: "Export my data" and where the archive went. */
export function ExportData({ store }: { store: AppStore }) {
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  return (
    <section aria-labelledby="export-heading">
      <h3 id="export-heading">Your data</h3>
      <p className="muted">
        A zip file with your profile, every chat as a readable page and as JSON, and the photos,
        videos and files in them. It is made on this device; your whole history is fetched first.
      </p>
      <button
        type="button"
        disabled={status.kind === 'working'}
        onClick={() => {
          setStatus({ kind: 'working' });
          const shell = window.chitchatShell;
          const downloads = shell?.downloadExport !== undefined;
          store.chat
            .exportData()
            .then(async (result) => {
              // The web app: the archive is in the browser's private files until downloaded.
              if (downloads) await shell.downloadExport?.(result.path, result.fileName);
              setStatus({ kind: 'done', result, downloaded: downloads });
            })
            .catch((error: unknown) => setStatus({ kind: 'error', text: errorText(error) }));
        }}
      >
        {status.kind === 'working' ? 'Exporting…' : 'Export my data'}
      </button>
      {status.kind === 'done' && (
        <p role="status">
          {status.downloaded ? 'Downloaded' : 'Saved'} {status.result.fileName} (
          {fileSize(status.result.bytes)}: {count(status.result.conversations, 'chat', 'chats')},{' '}
          {count(status.result.messages, 'message', 'messages')},{' '}
          {count(status.result.mediaFiles, 'file', 'files')})
          {status.downloaded ? (
            '.'
          ) : (
            <>
              {' '}
              to <span className="path">{status.result.path}</span>.
            </>
          )}
          {status.result.missingMedia > 0 &&
            ` ${count(status.result.missingMedia, 'file is', 'files are')} no longer on the server.`}
        </p>
      )}
      {status.kind === 'error' && <p role="alert">{status.text}</p>}
    </section>
  );
}
