/*
 * A test Worker for web-upload.test.ts: the browser host's upload (desktop/src/web/xhr-upload.ts)
 * in a Worker, as the engine runs it; posts every progress report, then the answer.
 */
import { xhrUpload } from '../../src/web/xhr-upload';

self.addEventListener('message', (event: MessageEvent<{ url: string; size: number }>) => {
  const progress: [number, number][] = [];
  const bytes = new Uint8Array(event.data.size).fill(7);
  xhrUpload(event.data.url, { 'content-type': 'application/octet-stream' }, bytes, (sent, total) =>
    progress.push([sent, total]),
  ).then(
    (answer) => self.postMessage({ progress, answer }),
    (error: unknown) => self.postMessage({ progress, error: String(error) }),
  );
});
