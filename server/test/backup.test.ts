import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationSummary, LogEntry } from '@chitchat/shared';
import { openSqliteStore } from '../src/store/sqlite/index';
import type { EventOrigin } from '../src/store/types';
import { admin, CLI_TEST_TIMEOUT_MS } from './admin-process';
import { call, connect, login, register, tempDir, type ClientSocket } from './harness';
import { spawnServer, type ServerProcess } from './server-process';

const PEERS = 6;
const GROUPS = 30;
const MESSAGES_PER_CHAT = 60;

/** Every message event of a conversation, paged with events:after as the app does. */
async function messagesOf(socket: ClientSocket, conversationId: string): Promise<LogEntry[]> {
  const all: LogEntry[] = [];
  let afterSeq = 0;
  for (;;) {
    const page = await call(socket, 'events:after', { conversationId, afterSeq, limit: 500 });
    all.push(...page.events);
    const last = page.events.at(-1)?.seq ?? page.lastSeq;
    if (last >= page.lastSeq) break;
    afterSeq = last;
  }
  return all.filter((e) => e.type === 'message');
}

const byId = (list: readonly ConversationSummary[]) =>
  new Map(list.map((c) => [c.id, { lastSeq: c.lastSeq, title: c.title }]));

describe('npm run admin -- backup / restore (embedded SQLite)', () => {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it(
    'a populated server backed up while it runs is restored into a new DATA_DIR: a server starts on it, everything is there, and apps are told to resync',
    async () => {
      const original = tempDir();
      const restored = tempDir();
      const archives = tempDir();
      cleanups.push(original.remove, restored.remove, archives.remove);
      let server: ServerProcess = await spawnServer({ DATA_DIR: original.dir });
      cleanups.push(() => server.stop());

      const alice = await register(server);
      const bob = await register(server);
      const peers = [bob];
      for (let i = 1; i < PEERS; i++) peers.push(await register(server));
      const aliceSocket = await connect(server, alice.accessToken);
      cleanups.push(() => void aliceSocket.close());

      // One message with real media, through the server as an app sends it.
      const photo = randomBytes(48 * 1024);
      const uploadAnswer = await fetch(`${server.url}/api/media`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${alice.accessToken}`,
          'content-type': 'application/octet-stream',
          'x-file-name': 'notes.bin',
        },
        body: photo,
      });
      expect(uploadAnswer.status).toBe(201);
      const media = (await uploadAnswer.json()) as { id: string };
      const chat = await call(aliceSocket, 'conversation:direct', { userId: bob.user.id });
      await call(aliceSocket, 'message:send', {
        conversationId: chat.id,
        clientMsgId: randomUUID(),
        text: 'the file',
        attachments: [media.id],
      });

      // Volume through the store's API, beside the running server (WAL: two processes, one file).
      const store = openSqliteStore(original.dir);
      const origin = (userId: string): EventOrigin => ({
        id: randomUUID(),
        userId,
        deviceId: null,
        at: Date.now(),
      });
      const chats: { id: string; members: string[] }[] = [];
      for (const peer of peers.slice(1)) {
        const { conversation } = await store.getOrCreateDirect({
          id: randomUUID(),
          userId: alice.user.id,
          peerId: peer.user.id,
          at: Date.now(),
        });
        chats.push({ id: conversation.id, members: [alice.user.id, peer.user.id] });
      }
      for (let g = 0; g < GROUPS; g++) {
        const members = peers.filter((_, i) => i % 3 !== g % 3).map((p) => p.user.id);
        const { conversation } = await store.createGroup({
          ...origin(alice.user.id),
          conversationId: randomUUID(),
          title: `Group ${g} · مجموعة · グループ`,
          memberIds: members,
        });
        chats.push({ id: conversation.id, members: [alice.user.id, ...members] });
      }
      for (const { id, members } of chats) {
        await Promise.all(
          Array.from({ length: MESSAGES_PER_CHAT }, (_, i) =>
            store.appendMessage({
              ...origin(members[i % members.length] ?? alice.user.id),
              conversationId: id,
              clientMsgId: randomUUID(),
              text: `message ${i} in ${id}`,
              replyToSeq: null,
              attachments: [],
            }),
          ),
        );
      }
      await store.close();
      const seededMessages = chats.length * MESSAGES_PER_CHAT + 1;

      const before = await call(aliceSocket, 'conversation:list', {});
      expect(before.conversations).toHaveLength(chats.length + 1);

      const archive = path.join(archives.dir, 'chitchat.tar.gz');
      const backup = await admin(original.dir, 'backup', archive);
      expect(backup.stderr).toBe('');
      expect(backup.code).toBe(0);
      expect(backup.stdout).toMatch(
        new RegExp(
          `Backed up ${PEERS + 1} users, ${chats.length + 1} conversations, \\d+ events, 1 media files to `,
        ),
      );
      expect(existsSync(archive)).toBe(true);

      // Restoring under a running server is refused, and changes nothing.
      const underServer = await admin(original.dir, 'restore', archive, '--force');
      expect(underServer.code).toBe(1);
      expect(underServer.stderr).toMatch(
        /A server is running on this data[\s\S]*Stop every server/,
      );
      expect(readdirSync(original.dir).some((n) => n.startsWith('before-restore'))).toBe(false);
      expect((await call(aliceSocket, 'conversation:list', {})).storeEpoch).toBe(before.storeEpoch);

      aliceSocket.close();
      await server.stop();

      const restore = await admin(restored.dir, 'restore', archive);
      expect(restore.stderr).toBe('');
      expect(restore.code).toBe(0);
      expect(restore.stdout).toMatch(
        new RegExp(
          `Restored ${PEERS + 1} users, ${chats.length + 1} conversations, \\d+ events, 1 media files from `,
        ),
      );
      const newEpoch = /New store epoch (\S+):/.exec(restore.stdout)?.[1];
      expect(newEpoch).toBeDefined();
      expect(newEpoch).not.toBe(before.storeEpoch);

      // Restoring again over restored data asks for --force, then keeps the old data aside.
      const again = await admin(restored.dir, 'restore', archive);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/already holds a chitchat database[\s\S]*--force/);

      server = await spawnServer({ DATA_DIR: restored.dir });
      // Alice's app from before the restore: its session still holds (devices and secrets were
      // restored), and the list tells it the store epoch changed, so it drops its cache and resyncs.
      const returning = await connect(server, alice.accessToken);
      cleanups.push(() => void returning.close());
      const after = await call(returning, 'conversation:list', {});
      expect(after.storeEpoch).toBe(newEpoch);
      expect(byId(after.conversations)).toEqual(byId(before.conversations));
      let messages = 0;
      for (const conversation of after.conversations) {
        messages += (await messagesOf(returning, conversation.id)).length;
      }
      expect(messages).toBe(seededMessages);

      // Bob signs in on a new device with his password and downloads the very bytes.
      const bobAgain = await login(server, bob.user.username);
      const download = await fetch(`${server.url}/api/media/${media.id}`, {
        headers: { authorization: `Bearer ${bobAgain.accessToken}` },
      });
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer()).equals(photo)).toBe(true);
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    'refuses what is not a backup, and an empty DATA_DIR, with what to do',
    async () => {
      const data = tempDir();
      cleanups.push(data.remove);
      const nothing = await admin(data.dir, 'backup', path.join(data.dir, 'x.tar.gz'));
      expect(nothing.code).toBe(1);
      expect(nothing.stderr).toMatch(/No chitchat database in .*nothing to back up/);
      const missing = await admin(data.dir, 'restore', path.join(data.dir, 'none.tar.gz'));
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/No such backup file/);
      const usage = await admin(data.dir, 'restore');
      expect(usage.code).toBe(2);
      expect(usage.stderr).toMatch(/Name the archive file[\s\S]*Usage: npm run admin/);
    },
    CLI_TEST_TIMEOUT_MS,
  );
});
