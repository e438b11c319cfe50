import type { HostUpload } from '../core/host';

/*
 * Uploads with honest progress in the browser host (issue #17): fetch reports nothing until the
 * whole body is sent, so the bubble's ring went from empty to full at once; XMLHttpRequest, which
 * Workers have, reports the bytes the network has taken as it goes (upload `progress` events). A
 * failure rejects with an Error, as the Node host's upload does.
 */
export const xhrUpload: HostUpload = (url, headers, bytes, onProgress) =>
  new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener('progress', (event) => {
      onProgress(event.loaded, event.lengthComputable ? event.total : bytes.byteLength);
    });
    xhr.addEventListener('load', () => resolve({ status: xhr.status, body: xhr.responseText }));
    xhr.addEventListener('error', () => reject(new Error(`upload to ${url} failed`)));
    xhr.addEventListener('abort', () => reject(new Error(`upload to ${url} was aborted`)));
    // XMLHttpRequest takes bytes over an ArrayBuffer only (not a SharedArrayBuffer): a view of
    // the same memory when it is one, else a copy.
    xhr.send(
      bytes.buffer instanceof ArrayBuffer
        ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
        : bytes.slice(),
    );
  });
