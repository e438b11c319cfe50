import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MEDIA_MAX_BYTES } from '@chitchat/shared';
import { startServer, uniqueName, type TestServer } from '@chitchat/server/testing';
import { ApiClient, ApiError, memorySecretStore } from '../src/core/api-client';
import { nodeUpload } from '../src/core/upload.node.ts';

describe('the engine uploads media', () => {
  let server: TestServer;
  let api: ApiClient;

  beforeEach(async () => {
    server = await startServer();
    api = new ApiClient(server.url, memorySecretStore(), { upload: nodeUpload });
    await api.register({
      username: uniqueName('uploader'),
      password: 'long enough',
      device: { name: 'test', platform: 'linux' },
    });
  });
  afterEach(async () => {
    await server.stop();
  });

  it('a file over MEDIA_MAX_BYTES is refused before a byte is sent, saying how large it may be', async () => {
    let sent = 0;
    const refused = await api
      .uploadMedia(
        new Uint8Array(MEDIA_MAX_BYTES + 1),
        { name: 'film.mkv', mime: 'video/x-matroska' },
        (bytes) => {
          sent = bytes;
        },
      )
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ code: 'payload_too_large', status: 413 });
    expect((refused as ApiError).message).toMatch(/film\.mkv.*100 MB/);
    expect(sent).toBe(0);
  });

  it("a file's name on disk is sent without characters the name rule refuses", async () => {
    const answer = await api.uploadMedia(new TextEncoder().encode('hello'), {
      name: 'invoice\u202Efdp.exe',
      mime: 'text/plain',
    });
    expect(answer.name).toBe('invoicefdp.exe');
    const persian = await api.uploadMedia(new TextEncoder().encode('hello'), {
      name: 'نامه\u200Cها.txt',
      mime: 'text/plain',
    });
    expect(persian.name).toBe('نامه\u200Cها.txt');
  });
});
