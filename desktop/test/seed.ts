/**
 * A real account's size, written through the server store's own methods (not message by message
 * over sockets), so the browser suites stay fast: people, direct chats and long histories.
 */
import { randomUUID } from 'node:crypto';
import type { TestServer } from '@chitchat/server/testing';

type Store = TestServer['store'];

let people = 0;

/**
 * A person who never signs in (the store keeps a hash nobody can match); `username` when a suite
 * finds them by it, as people do in "New chat" and "New group".
 */
export async function seedPerson(
  store: Store,
  displayName: string,
  username = `seed_${process.pid}_${++people}`,
): Promise<string> {
  const id = randomUUID();
  await store.createUser({
    id,
    username,
    displayName,
    passwordHash: 'not-a-password-hash',
    createdAt: Date.now() - 30 * 86_400_000,
  });
  return id;
}

/**
 * A direct chat between two people who wrote to each other: each is the other's contact, so
 * neither side shows it as a message request (as `message:send` and `request:accept` would leave it).
 */
export async function seedDirect(store: Store, userId: string, peerId: string): Promise<string> {
  const at = Date.now() - 20 * 86_400_000;
  const { conversation } = await store.getOrCreateDirect({ id: randomUUID(), userId, peerId, at });
  await store.addContacts(userId, [peerId], at);
  await store.addContacts(peerId, [userId], at);
  return conversation.id;
}

export interface SeedMessage {
  from: string;
  text: string;
  at: number;
  replyToSeq?: number;
}

/**
 * Appends messages in order (the store commits a burst of appends as one batch). A sender's own
 * message moves their read mark, so what others send after it is unread for them.
 */
export async function seedMessages(
  store: Store,
  conversationId: string,
  messages: readonly SeedMessage[],
): Promise<number[]> {
  const written = await Promise.all(
    messages.map((m) =>
      store.appendMessage({
        id: randomUUID(),
        conversationId,
        userId: m.from,
        deviceId: null,
        at: m.at,
        clientMsgId: randomUUID(),
        text: m.text,
        replyToSeq: m.replyToSeq ?? null,
        attachments: [],
      }),
    ),
  );
  return written.map((w) => w.event.seq);
}
