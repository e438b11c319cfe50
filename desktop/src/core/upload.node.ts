import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { HostUpload } from './host';

/**
 * The Node host's upload (host.ts): node:http in chunks of 64 KiB, each written when the socket has
 * taken the previous one, so progress is honest. A failure rejects with the transport's error; the
 * api-client words it.
 */
export const nodeUpload: HostUpload = (url, headers, bytes, onProgress) => {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(target, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(bytes.byteLength) },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    const CHUNK = 64 * 1024;
    let offset = 0;
    const writeNext = () => {
      while (offset < bytes.byteLength) {
        const chunk = bytes.subarray(offset, Math.min(offset + CHUNK, bytes.byteLength));
        offset += chunk.byteLength;
        const more = req.write(chunk);
        onProgress(offset, bytes.byteLength);
        if (!more) {
          req.once('drain', writeNext);
          return;
        }
      }
      req.end();
    };
    onProgress(0, bytes.byteLength);
    writeNext();
  });
};
