import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { startServer, type TestServer } from '@chitchat/server/testing';
import {
  conversationOf,
  showsTexts,
  signedInEngine,
  signedUpEngine,
  stopAll,
  until,
  type Engine,
} from './engines';
import { seedMessages } from './seed';

/** Reads an archive with Info-ZIP's unzip: a real, independent reader of what we wrote. */
const unzip = (args: string[]) => execFileSync('unzip', args, { maxBuffer: 64 * 1024 * 1024 });
const entries = (zip: string) => unzip(['-Z1', zip]).toString('utf8').trim().split('\n');
const entryText = (zip: string, name: string) => unzip(['-p', zip, name]).toString('utf8');

interface ExportedChat {
  title: string;
  kind: string;
  photo?: string | null;
  messages: {
    seq: number;
    text: string | null;
    from: { name: string };
    attachments: { file: string | null }[];
  }[];
}

/**
 * "Export my data" (issue #15): made on the device, with every chat's history completed from the
 * server first; the person's messages and media, and nothing of chats they were never in.
 */
describe('export my data', () => {
  let server: TestServer | undefined;
  const engines: Engine[] = [];
  afterEach(() => stopAll(engines, server));

  it('holds the whole history of each chat, its media, readable pages, and nothing from chats the person was never in', async () => {
    server = await startServer();
    const ana = await signedUpEngine(server.url, 'ana', engines);
    const ben = await signedUpEngine(server.url, 'ben', engines);
    const cara = await signedUpEngine(server.url, 'cara', engines);

    // Ana and Ben: a tag that must stay text, Hebrew, a photo, then 320 more written through the
    // store, so Ana's device holds only the latest page until the export completes it.
    const chat = await ana.client.startDirectChat(ben.userId);
    await ana.client.sendMessage({ conversationId: chat.id, text: 'hi <script>alert(1)</script>' });
    await ana.client.sendMessage({ conversationId: chat.id, text: 'שלום, מה שלומך?' });
    const photo = await sharp({
      create: { width: 40, height: 30, channels: 3, background: { r: 0, g: 90, b: 200 } },
    })
      .png()
      .toBuffer();
    await showsTexts(ben.client, chat.id, ['hi <script>alert(1)</script>', 'שלום, מה שלומך?']);
    await ben.client.sendMessage({
      conversationId: chat.id,
      text: 'our cat',
      files: [{ name: 'cat:1.png', mime: 'image/png', bytes: new Uint8Array(photo) }],
    });
    await showsTexts(ana.client, chat.id, [
      'hi <script>alert(1)</script>',
      'שלום, מה שלומך?',
      'our cat',
    ]);
    const base = Date.now() - 86_400_000;
    await seedMessages(
      server.store,
      chat.id,
      Array.from({ length: 320 }, (_, i) => ({
        from: i % 2 === 0 ? ben.userId : ana.userId,
        text: `history ${i + 1}`,
        at: base + i * 1_000,
      })),
    );
    ana.client.resync();
    await until(ana.client, async () =>
      (await conversationOf(ana.client, chat.id))?.lastMessage?.text === 'history 320'
        ? true
        : undefined,
    );

    // Ana's profile photo and the group's photo are hers to keep as well (a JPEG, as the apps crop).
    const square = (r: number) =>
      sharp({ create: { width: 64, height: 64, channels: 3, background: { r, g: 120, b: 40 } } })
        .jpeg()
        .toBuffer();
    const profilePhoto = await square(230);
    await ana.client.setProfilePhoto({ bytes: new Uint8Array(profilePhoto), mime: 'image/jpeg' });
    // A group Ana left: what was said after she left, and its photo, are not hers to export.
    const hikers = await ben.client.createGroup({
      title: 'Hikers',
      memberIds: [ana.userId, cara.userId],
    });
    await ben.client.sendMessage({ conversationId: hikers.id, text: 'trail at dawn' });
    await showsTexts(ana.client, hikers.id, ['trail at dawn']);
    await ana.client.leaveGroup(hikers.id);
    await until(ana.client, async () =>
      (await conversationOf(ana.client, hikers.id))?.status === 'left' ? true : undefined,
    );
    await ben.client.sendMessage({
      conversationId: hikers.id,
      text: 'after Ana left',
      files: [{ name: 'summit.png', mime: 'image/png', bytes: new Uint8Array(photo) }],
    });
    await showsTexts(cara.client, hikers.id, ['trail at dawn', 'after Ana left']);

    // A group Ana joined late: what was said before she joined is not hers to export.
    const group = await ben.client.createGroup({ title: 'Book club', memberIds: [cara.userId] });
    const groupPhoto = await square(20);
    await ben.client.setGroupPhoto(group.id, {
      bytes: new Uint8Array(groupPhoto),
      mime: 'image/jpeg',
    });
    await ben.client.sendMessage({ conversationId: group.id, text: 'before Ana joined' });
    // Sent (the outbox is asynchronous) before Ana is added.
    await showsTexts(cara.client, group.id, ['before Ana joined']);
    await ben.client.updateGroup({ conversationId: group.id, add: [ana.userId] });
    await ben.client.sendMessage({ conversationId: group.id, text: 'welcome Ana' });
    await until(ana.client, async () =>
      (await conversationOf(ana.client, group.id))?.lastMessage?.text === 'welcome Ana'
        ? true
        : undefined,
    );
    // Ben and Cara alone: Ana was never in it.
    const private_ = await ben.client.startDirectChat(cara.userId);
    await ben.client.sendMessage({
      conversationId: private_.id,
      text: 'secret between Ben and Cara',
    });
    await showsTexts(cara.client, private_.id, ['secret between Ben and Cara']);

    // Ana exports from a laptop she signs in on now: it holds only the latest page of each chat, so
    // the export must fetch the rest.
    const laptop = await signedInEngine(server.url, ana.username, engines, {
      deviceName: 'Ana laptop',
    });
    await until(laptop.client, async () =>
      (await conversationOf(laptop.client, chat.id))?.lastMessage?.text === 'history 320' &&
      (await conversationOf(laptop.client, group.id)) !== undefined &&
      (await conversationOf(laptop.client, hikers.id))?.status === 'left'
        ? true
        : undefined,
    );
    const cached = await laptop.client.openConversation(chat.id, 1_000);
    expect(cached.atStart).toBe(false);
    expect(cached.messages.length).toBeLessThan(323);

    const result = await laptop.client.exportData();
    expect(result.fileName).toMatch(/^chitchat-export-ana_\d+_\d+-\d{4}-\d{2}-\d{2}\.zip$/i);
    // The cat photo, Ana's profile photo and the group's photo (not the one sent after she left).
    expect(result).toMatchObject({ conversations: 3, mediaFiles: 3, missingMedia: 0 });

    // The archive is sound, as an independent tool reads it.
    expect(unzip(['-tq', result.path]).toString()).toMatch(/No errors detected/);
    const names = entries(result.path);
    expect(names).toContain('profile.json');
    expect(names).toContain('index.html');
    // One page and one JSON file per chat, numbered in the chat list's order (newest first).
    expect(names.filter((n) => n.startsWith('chats/')).sort()).toEqual([
      'chats/001-Book club-photo.jpg',
      'chats/001-Book club.html',
      'chats/001-Book club.json',
      'chats/002-Hikers.html',
      'chats/002-Hikers.json',
      'chats/003-ben.html',
      'chats/003-ben.json',
    ]);
    expect(names.filter((n) => n.includes('summit'))).toEqual([]);

    const chatJson = (title: string) => {
      const name = names.find((n) => n.startsWith('chats/') && n.endsWith(`-${title}.json`));
      if (name === undefined) throw new Error(`no ${title}.json`);
      return JSON.parse(entryText(result.path, name)) as ExportedChat;
    };
    const profile = JSON.parse(entryText(result.path, 'profile.json')) as {
      me: { id: string; username: string };
      photo: string | null;
      devices: unknown[];
    };
    expect(profile.me).toMatchObject({ id: ana.userId, username: ana.username });
    expect(profile.devices).toHaveLength(2);
    // The photos, as the server keeps them (the apps upload what they cropped).
    expect(profile.photo).toBe('profile-photo.jpg');
    expect(unzip(['-p', result.path, 'profile-photo.jpg']).subarray(0, 3)).toEqual(
      Buffer.from([0xff, 0xd8, 0xff]),
    );
    expect(chatJson('Book club').photo).toBe('chats/001-Book club-photo.jpg');
    expect(
      (await sharp(unzip(['-p', result.path, 'chats/001-Book club-photo.jpg'])).metadata()).width,
    ).toBeGreaterThan(0);

    const direct = chatJson('ben');
    const texts = direct.messages.map((m) => m.text);
    // Every message, in order: the two typed, the photo, and all 320 seeded (not just one page).
    expect(texts.slice(0, 3)).toEqual([
      'hi <script>alert(1)</script>',
      'שלום, מה שלומך?',
      'our cat',
    ]);
    expect(texts.slice(3)).toEqual(Array.from({ length: 320 }, (_, i) => `history ${i + 1}`));
    expect(direct.messages.map((m) => m.seq)).toEqual(
      [...direct.messages.map((m) => m.seq)].sort((a, b) => a - b),
    );

    // The photo's bytes, as sent.
    const file = direct.messages[2]?.attachments[0]?.file;
    expect(file).toMatch(/^media\/.+-cat_1\.png$/);
    expect(Buffer.compare(unzip(['-p', result.path, file as string]), photo)).toBe(0);

    // The group from Ana's join on.
    const bookClub = chatJson('Book club');
    const groupTexts = bookClub.messages.map((m) => m.text).filter((t) => t !== null);
    expect(groupTexts).toEqual(['welcome Ana']);

    // Nothing of what Ana never saw, anywhere in the archive.
    const everything = unzip(['-p', result.path]).toString('utf8');
    expect(everything).not.toContain('secret between Ben and Cara');
    expect(everything).not.toContain('before Ana joined');
    expect(everything).not.toContain('after Ana left');
    // The group she left, up to her leaving.
    const hikersChat = chatJson('Hikers');
    expect(hikersChat.messages.map((m) => m.text).filter((t) => t !== null)).toEqual([
      'trail at dawn',
    ]);

    // The readable page escapes people's text and lays it out in its own direction.
    const page = entryText(result.path, names.find((n) => n.endsWith('-ben.html')) as string);
    expect(page).toContain('hi &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>');
    expect(page).toContain('<div class="text" dir="auto">שלום, מה שלומך?</div>');
    expect(page).toMatch(/<img src="\.\.\/media\/[^"]+-cat_1\.png" alt="cat:1\.png">/);
    expect(result.messages).toBe(
      direct.messages.length + bookClub.messages.length + hikersChat.messages.length,
    );
  }, 120_000);
});
