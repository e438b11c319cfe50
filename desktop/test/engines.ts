import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChatEvents, ConversationView, MessageView } from '../src/common/contract';
import { memorySecretStore, type SecretStore } from '../src/core/api-client';
import { ChatClient, type ChatClientOptions } from '../src/core/chat-client';
import { nodeHost } from '../src/core/host.node.ts';

export interface Engine {
  client: ChatClient;
  profileDir: string;
  secrets: SecretStore;
}

const FAST_SYNC = {
  ackTimeoutMs: 2_000,
  deliveredDebounceMs: 20,
  reconnectDelayMs: 50,
  reconnectDelayMaxMs: 300,
  retryBaseMs: 50,
  pageSize: 200,
};

const profiles: string[] = [];

export function newProfileDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'chitchat-profile-'));
  profiles.push(dir);
  return dir;
}

export function removeProfiles(): void {
  for (const dir of profiles.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** After a test: stops every engine (emptying the list), then the server; removes the profiles. */
export async function stopAll(
  engines: Engine[],
  server: { stop(): Promise<void> } | undefined,
): Promise<void> {
  for (const e of engines.splice(0)) await e.client.stop();
  await server?.stop();
  removeProfiles();
}

export type EngineOptions = { deviceName?: string } & Partial<ChatClientOptions>;

/** A client engine in plain Node with its own profile folder (reused when given). */
export async function engine(options: EngineOptions = {}): Promise<Engine> {
  const profileDir = options.profileDir ?? newProfileDir();
  const secrets = options.secrets ?? memorySecretStore();
  const client = new ChatClient({
    host: nodeHost,
    ...options,
    profileDir,
    secrets,
    device: { name: options.deviceName ?? 'Test laptop', platform: 'linux' },
    sync: { ...FAST_SYNC, ...options.sync },
  });
  await client.start();
  return { client, profileDir, secrets };
}

let names = 0;
export const uniqueUser = (base: string) => `${base}_${process.pid}_${++names}`;

export const PASSWORD = 'correct horse battery';

/**
 * Resolves once `check` returns a value other than undefined, re-checking after every engine event
 * (no polling on a timer); fails after `timeoutMs` with the last value seen.
 */
export function until<T>(
  client: ChatClient,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  return new Promise((resolve, reject) => {
    let done = false;
    const offs: (() => void)[] = [];
    const finish = (error: Error | null, value?: T) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      for (const off of offs) off();
      if (error) reject(error);
      else resolve(value as T);
    };
    const evaluate = () => {
      Promise.resolve(check()).then(
        (value) => {
          if (value !== undefined) finish(null, value);
        },
        (error: unknown) => finish(error instanceof Error ? error : new Error(String(error))),
      );
    };
    const timer = setTimeout(() => finish(new Error(`timed out waiting for ${what}`)), timeoutMs);
    const names: (keyof ChatEvents)[] = [
      'conversations',
      'messages',
      'connection',
      'session',
      'presence',
      'joinRequests',
      'myJoinRequest',
    ];
    for (const name of names) offs.push(client.events.on(name, evaluate));
    evaluate();
  });
}

export const conversationOf = async (
  client: ChatClient,
  id: string,
): Promise<ConversationView | undefined> =>
  (await client.listConversations()).find((c) => c.id === id);

export const textsIn = (messages: MessageView[]) =>
  messages.filter((m) => m.type === 'message').map((m) => m.text);

/** Every message of a conversation as the client shows it, oldest first, loading older pages as needed. */
export async function wholeHistory(
  client: ChatClient,
  conversationId: string,
): Promise<MessageView[]> {
  let page = await client.openConversation(conversationId, 500);
  const all = [...page.messages];
  while (!page.atStart) {
    const oldest = all.find((m) => m.seq !== null)?.seq ?? null;
    if (oldest === null || oldest <= 1) break;
    page = await client.loadOlder(conversationId, oldest, 500);
    all.unshift(...page.messages);
    if (page.messages.length === 0) break;
  }
  return all;
}

export const userIdOf = async (client: ChatClient): Promise<string> => {
  const session = await client.getSession();
  if (session.status !== 'signed_in') throw new Error('not signed in');
  return session.user.id;
};

export const online = (client: ChatClient) =>
  until(
    client,
    async () => ((await client.getConnectionState()) === 'online' ? true : undefined),
    10_000,
    'online',
  );

/** Waits until the conversation shows exactly these message texts, in this order. */
export const showsTexts = (
  client: ChatClient,
  conversationId: string,
  texts: string[],
  timeoutMs = 15_000,
) =>
  until(
    client,
    async () => {
      const conversation = await conversationOf(client, conversationId);
      if (conversation === undefined) return undefined;
      const shown = textsIn(await wholeHistory(client, conversationId));
      return JSON.stringify(shown) === JSON.stringify(texts) ? shown : undefined;
    },
    timeoutMs,
    `texts ${texts.length}`,
  );

/** An engine signed up as a new user and online. */
export interface SignedUpEngine extends Engine {
  username: string;
  userId: string;
}

/**
 * A new engine (added to `engines`, which the suite stops after each test) signed up on
 * `serverUrl` as a unique user shown as `name`, once it is online.
 */
export async function signedUpEngine(
  serverUrl: string,
  name: string,
  engines: Engine[],
  options: EngineOptions = {},
): Promise<SignedUpEngine> {
  const e = await engine(options);
  engines.push(e);
  const username = uniqueUser(name);
  await e.client.signUp({ serverUrl, username, password: PASSWORD, displayName: name });
  await online(e.client);
  return { ...e, username, userId: await userIdOf(e.client) };
}

/** A new engine (added to `engines`) signed in to `username`'s account as another device, online. */
export async function signedInEngine(
  serverUrl: string,
  username: string,
  engines: Engine[],
  options: EngineOptions = {},
): Promise<Engine> {
  const e = await engine(options);
  engines.push(e);
  await e.client.signIn({ serverUrl, username, password: PASSWORD });
  await online(e.client);
  return e;
}
