import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { MediaUploadAnswer } from '@chitchat/shared';
import type { TestServer } from './harness';
import type { Person } from './fixtures';

/** Uploads over HTTP as a client would (Node's fetch), and what the server keeps on disk. */

export interface Upload {
  status: number;
  body: MediaUploadAnswer & { error?: { code: string; message: string } };
}

export async function upload(
  server: TestServer,
  who: Person,
  body: Uint8Array | ReadableStream<Uint8Array>,
  options: { type?: string; name?: string; headers?: Record<string, string> } = {},
): Promise<Upload> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${who.session.accessToken}`,
    'content-type': options.type ?? 'application/octet-stream',
    ...(options.name !== undefined ? { 'x-file-name': encodeURIComponent(options.name) } : {}),
    ...options.headers,
  };
  const init: RequestInit & { duplex?: 'half' } = { method: 'POST', headers, body };
  if (body instanceof ReadableStream) init.duplex = 'half';
  const response = await fetch(`${server.url}/api/media`, init);
  return { status: response.status, body: (await response.json()) as Upload['body'] };
}

export async function uploaded(
  server: TestServer,
  who: Person,
  bytes: Uint8Array,
  options: { type?: string; name?: string } = {},
): Promise<MediaUploadAnswer> {
  const answer = await upload(server, who, bytes, options);
  if (answer.status !== 201) throw new Error(`upload failed: ${answer.status}`);
  return answer.body;
}

export async function download(
  server: TestServer,
  who: Person | null,
  route: string,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${server.url}/api/media/${route}`, {
    headers: {
      ...(who ? { authorization: `Bearer ${who.session.accessToken}` } : {}),
      ...headers,
    },
  });
  return {
    status: response.status,
    headers: response.headers,
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}

/** Every file under DATA_DIR/media (content files, thumbnails, temp files). */
export function mediaFiles(server: TestServer): string[] {
  const root = path.join(server.dataDir, 'media');
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}
