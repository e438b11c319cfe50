import { createHash, randomBytes, randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { accountKey } from '@chitchat/shared';
import type { EventOrigin } from '../src/store/types';
import { direct, group, person, send, type Person } from './fixtures';
import { call, http, type TestServer } from './harness';
import { uploaded } from './uploads';

/*
 * A populated embedded server for the copy-store tests: a real server's API for what people do
 * (chats, groups with members leaving and coming back, media with a thumbnail, edits, deletes,
 * reactions, pins, polls, receipts, account state, blocks), and the store's own API for the volume
 * (dozens of chats, thousands of messages in several scripts) and for what only rarer paths write
 * (two-step, single sign-on, push subscriptions, invite links, a deleted account). Every table of
 * the SQLite store ends up with rows.
 */

const PEERS = 9;
const GROUPS = 24;
const MESSAGES_PER_CHAT = 50;
const TEXTS = ['hello', 'مرحبا بالجميع', 'こんにちは', 'שלום', 'emoji 👩🏽‍💻🎉', 'line\nbreak'];

export interface Seeded {
  people: Person[];
  close(): void;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

export async function seedServer(server: TestServer): Promise<Seeded> {
  const { store } = server;
  const people: Person[] = [];
  for (let i = 0; i < PEERS; i++) people.push(await person(server, `p${i}`));
  const [alice, bob, carol, dave, erin] = people as [Person, Person, Person, Person, Person];
  const at = () => Date.now();
  const origin = (userId: string): EventOrigin => ({
    id: randomUUID(),
    userId,
    deviceId: null,
    at: at(),
  });

  // Media through the API: an image (stored with a thumbnail) and a plain file.
  const image = await sharp({
    create: { width: 120, height: 80, channels: 3, background: { r: 20, g: 120, b: 200 } },
  })
    .png()
    .toBuffer();
  const photo = await uploaded(server, alice, image, { type: 'image/png', name: 'beach.png' });
  const file = await uploaded(server, alice, randomBytes(64 * 1024), { name: 'notes.bin' });

  const chat = await direct(alice, bob);
  const first = await call(alice.socket, 'message:send', {
    conversationId: chat.id,
    clientMsgId: randomUUID(),
    text: 'the photo and the notes',
    attachments: [photo.id, file.id],
  });
  const reply = await call(bob.socket, 'message:send', {
    conversationId: chat.id,
    clientMsgId: randomUUID(),
    text: 'thanks',
    replyToSeq: first.seq,
  });
  await call(bob.socket, 'message:edit', {
    conversationId: chat.id,
    seq: reply.seq,
    text: 'thanks a lot',
    opId: randomUUID(),
  });
  const gone = await send(alice, chat.id, 'oops, wrong chat');
  await call(alice.socket, 'message:delete', { conversationId: chat.id, seq: gone.seq });
  await call(bob.socket, 'message:react', {
    conversationId: chat.id,
    opId: randomUUID(),
    targetSeq: first.seq,
    emoji: '👍',
  });
  await call(alice.socket, 'message:pin', {
    conversationId: chat.id,
    opId: randomUUID(),
    targetSeq: first.seq,
    pinned: true,
  });
  await call(bob.socket, 'receipt:read', { conversationId: chat.id, seq: first.seq });
  await call(alice.socket, 'account:set', {
    changes: [{ key: accountKey('star', chat.id, first.seq), value: true }],
    opId: randomUUID(),
  });

  // A group whose members change: carol leaves and is added back (two periods), dave removed.
  const team = await group(alice, [bob, carol, dave, erin], 'Team · فريق');
  const poll = await call(alice.socket, 'message:send', {
    conversationId: team.id,
    clientMsgId: randomUUID(),
    poll: { question: 'Lunch?', options: ['pizza', 'sushi'], multiple: false },
  });
  await call(bob.socket, 'poll:vote', {
    conversationId: team.id,
    targetSeq: poll.seq,
    options: [1],
    opId: randomUUID(),
  });
  await call(carol.socket, 'group:leave', { conversationId: team.id });
  await send(alice, team.id, 'carol missed this');
  await call(alice.socket, 'group:update', {
    conversationId: team.id,
    add: [carol.userId],
    remove: [dave.userId],
    title: 'Team 2',
    description: 'Plans and lunch',
  });
  const voiceSeq = (await send(erin, team.id, 'listen')).seq;
  await store.markPlayed(team.id, voiceSeq, bob.userId, at());
  await http(server, 'PATCH', '/api/me', {
    token: erin.session.accessToken,
    body: { block: [dave.userId] },
  });

  // Volume through the store, in several scripts.
  const chats: { id: string; members: string[] }[] = [
    { id: chat.id, members: [alice.userId, bob.userId] },
  ];
  for (const peer of people.slice(2)) {
    const { conversation } = await store.getOrCreateDirect({
      id: randomUUID(),
      userId: alice.userId,
      peerId: peer.userId,
      at: at(),
    });
    chats.push({ id: conversation.id, members: [alice.userId, peer.userId] });
  }
  for (let g = 0; g < GROUPS; g++) {
    const members = people.filter((_, i) => i > 0 && i % 3 !== g % 3).map((p) => p.userId);
    const { conversation } = await store.createGroup({
      ...origin(alice.userId),
      conversationId: randomUUID(),
      title: `Group ${g} · グループ`,
      memberIds: members,
    });
    chats.push({ id: conversation.id, members: [alice.userId, ...members] });
  }
  for (const { id, members } of chats) {
    for (let i = 0; i < MESSAGES_PER_CHAT; i++) {
      await store.appendMessage({
        ...origin(members[i % members.length] ?? alice.userId),
        conversationId: id,
        clientMsgId: randomUUID(),
        text: `${TEXTS[i % TEXTS.length] ?? ''} ${i}`,
        replyToSeq: null,
        attachments: [],
      });
    }
  }

  // What rarer paths write.
  await store.createInvite({
    code: randomBytes(16).toString('base64url'),
    createdBy: alice.userId,
    createdAt: at(),
    expiresAt: at() + 86_400_000,
    maxUses: 5,
    uses: 1,
    revokedAt: null,
  });
  const secret = 'JBSWY3DPEHPK3PXP';
  await store.setPendingTwoStep(bob.userId, secret);
  await store.enableTwoStep(bob.userId, {
    secret,
    at: at(),
    step: 1,
    recoveryCodeHashes: ['a', 'b', 'c'].map(sha),
  });
  await store.useRecoveryCode(bob.userId, sha('b'), at());
  const ssoUser = randomUUID();
  await store.registerUser(
    {
      id: ssoUser,
      username: `sso_${ssoUser.slice(0, 8)}`,
      displayName: 'Single Sign',
      passwordHash: '!sso',
      createdAt: at(),
    },
    { policy: 'free', at: at(), identity: { issuer: 'https://id.example', subject: 'subject-1' } },
  );
  await store.saveSsoCode(
    {
      codeHash: sha('code'),
      userId: ssoUser,
      client: 'desktop',
      challenge: 'c'.repeat(43),
      expiresAt: at() + 600_000,
    },
    at(),
  );
  await store.markSsoSignIn(alice.session.device.id, at());
  await store.setPushSubscription({
    deviceId: alice.session.device.id,
    userId: alice.userId,
    endpoint: 'https://push.example/endpoint/1',
    p256dh: `B${'A'.repeat(86)}`,
    auth: 'A'.repeat(22),
    createdAt: at(),
  });
  const code = randomBytes(16).toString('base64url');
  await store.createInviteLink({
    code,
    conversationId: team.id,
    createdBy: alice.userId,
    createdAt: at(),
    expiresAt: null,
    revokedAt: null,
    opId: randomUUID(),
  });
  await store.addJoinRequest({
    conversationId: team.id,
    userId: people[5]?.userId ?? '',
    code,
    createdAt: at(),
  });
  await store.addInvitations(team.id, alice.userId, [people[6]?.userId ?? ''], at());
  await store.dismissRequest(people[7]?.userId ?? '', chats[6]?.id ?? '', 3);

  // A deleted account whose username was taken again: a tombstone with a released key.
  const gone8 = people[8];
  if (gone8 === undefined) throw new Error('not enough people');
  gone8.socket.close();
  await store.deleteAccount(gone8.userId, at() - 1);
  await store.registerUser(
    {
      id: randomUUID(),
      username: gone8.session.user.username,
      displayName: 'New owner',
      passwordHash: 'h',
      createdAt: at(),
    },
    { policy: 'free', at: at(), releaseDeletedBefore: at() },
  );

  return {
    people,
    close() {
      for (const p of people) p.socket.close();
    },
  };
}
