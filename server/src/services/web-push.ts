import { createECDH, createHash } from 'node:crypto';
import {
  chatKey,
  isMutedAt,
  pushTagOf,
  type PushKeyAnswer,
  type PushSubscriptionBody,
  type WebPushPayload,
} from '@chitchat/shared';
import type { Logger } from '../logger';
import type { Presence } from '../presence/types';
import type { PushSubscriptionRecord } from '../store/push-types';
import type { EventRecord, Store } from '../store/types';
import type { Actor } from './conversations';
import { spend } from './device-limits';
import { ServiceError } from './errors';
import { endpointProblem, type PushDelivery, type PushOutcome } from './push-delivery';
import { pushPreview } from './push-preview';
import type { TokenBuckets } from './token-bucket';

/** Pushes in flight at once, all chats together: push services are slow next to a commit. */
export const PUSH_CONCURRENCY = 8;
/** Pushes waiting for a slot; past that, new ones are dropped and counted (`dropped`). */
export const PUSH_QUEUE_MAX = 10_000;
/**
 * After a push to a device for a chat, no other for that chat and device until it is answered
 * and this long has passed: the notification is replaced per chat (its tag) anyway, and a burst
 * of messages must not become a burst of pushes to a phone.
 */
export const PUSH_CHAT_WINDOW_MS = 5_000;

/** Pushes by outcome, for `/metrics`. */
export type PushCount = PushOutcome | 'dropped';

export interface WebPushDeps {
  store: Store;
  presence: Presence;
  /** Of `deviceIds`, those with a live socket on any server process (the Socket.io adapter). */
  liveDevices: (deviceIds: readonly string[]) => Promise<ReadonlySet<string>>;
  /** The current members of a conversation whose periods cover `seq` (the membership cache). */
  readers: (conversationId: string, seq: number) => Promise<readonly string[]>;
  delivery: PushDelivery;
  publicKey: string;
  allowLoopback: boolean;
  /** `RATE_LIMIT_PUSH`: subscription changes per minute per device. */
  limit: TokenBuckets;
  logger: Logger;
  count: (outcome: PushCount) => void;
  now?: () => number;
}

export type WebPushService = ReturnType<typeof createWebPushService>;

/** Whether `p256dh` is a point on P-256 (a browser's key); encryption to anything else fails. */
function isP256Point(p256dh: string): boolean {
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    ecdh.computeSecret(Buffer.from(p256dh, 'base64url'));
    return true;
  } catch {
    return false;
  }
}

/** RFC 8030 topic: at most 32 base64url characters, one per chat. */
const topicOf = (conversationId: string) =>
  createHash('sha256').update(conversationId).digest('base64url').slice(0, 32);

/**
 * Web Push (issue #17, DESIGN §10/§11): keeps one subscription per device and, for each new
 * message, pushes to the recipients' devices that have no live socket, off the commit path.
 */
export function createWebPushService(deps: WebPushDeps) {
  const { store, logger } = deps;
  const now = deps.now ?? Date.now;
  /** `deviceId:conversationId` -> last push started, and whether it is still unanswered. */
  const recent = new Map<string, { at: number; open: boolean }>();
  const queue: (() => Promise<void>)[] = [];
  let running = 0;
  /** Messages whose pushes are being planned (reads before anything is queued). */
  let planning = 0;
  let idle: (() => void)[] = [];

  function pump(): void {
    while (running < PUSH_CONCURRENCY) {
      const job = queue.shift();
      if (job === undefined) break;
      running += 1;
      void job().finally(() => {
        running -= 1;
        pump();
      });
    }
    if (running === 0 && planning === 0 && queue.length === 0) {
      const waiting = idle;
      idle = [];
      for (const resolve of waiting) resolve();
    }
  }

  function enqueue(job: () => Promise<void>): void {
    if (queue.length >= PUSH_QUEUE_MAX) {
      deps.count('dropped');
      return;
    }
    queue.push(job);
    pump();
  }

  /** Takes the chat's slot for the device, or false while the last push is recent or open. */
  function claim(key: string): boolean {
    const at = now();
    const last = recent.get(key);
    if (last !== undefined && (last.open || at - last.at < PUSH_CHAT_WINDOW_MS)) return false;
    recent.set(key, { at, open: true });
    // Entries older than the window mean nothing: drop them now and then.
    if (recent.size > 10_000) {
      for (const [k, v] of recent)
        if (!v.open && at - v.at >= PUSH_CHAT_WINDOW_MS) recent.delete(k);
    }
    return true;
  }

  async function push(
    subscription: PushSubscriptionRecord,
    payload: WebPushPayload,
    key: string,
  ): Promise<void> {
    let outcome: PushOutcome;
    try {
      outcome = await deps.delivery.deliver(subscription, {
        payload: JSON.stringify(payload),
        topic: topicOf(payload.conversationId),
      });
    } catch (error) {
      logger.warn({ err: error, deviceId: subscription.deviceId }, 'push could not be built');
      outcome = 'failed';
    }
    const slot = recent.get(key);
    if (slot !== undefined) slot.open = false;
    deps.count(outcome);
    if (outcome === 'gone') {
      // The browser unsubscribed or the push service expired it: stop pushing there.
      await store.removePushSubscription(subscription.deviceId, subscription.endpoint);
    } else if (outcome === 'failed') {
      logger.warn(
        { deviceId: subscription.deviceId, host: new URL(subscription.endpoint).host },
        'push not accepted by the push service',
      );
    }
  }

  /** Who gets a push for `event`, and with what; everything read here is batched per message. */
  async function plan(event: EventRecord): Promise<void> {
    if (event.type !== 'message') return;
    const sender = event.senderUserId;
    const recipients = (await deps.readers(event.conversationId, event.seq)).filter(
      (id) => id !== sender,
    );
    if (recipients.length === 0) return;
    // Most people have no web app: one indexed read answers for the whole group.
    const subscriptions = (await store.pushSubscriptionsOf(recipients)).filter((s) =>
      claimable(s.deviceId, event.conversationId),
    );
    if (subscriptions.length === 0) return;
    const userIds = [...new Set(subscriptions.map((s) => s.userId))];
    const blocking = new Set(await store.usersBlocking(sender, userIds));
    const mentioned = new Set(event.payload.mentions ?? []);
    const muteKey = chatKey('mute', event.conversationId);
    const wanted: string[] = [];
    for (const userId of userIds) {
      if (blocking.has(userId)) continue;
      // As the desktop app: a mute silences the chat, except a message that mentions the person.
      if (!mentioned.has(userId)) {
        const mute = (await store.accountValues(userId, [muteKey])).get(muteKey);
        if (mute !== undefined && isMutedAt(JSON.parse(mute) as unknown, now())) continue;
      }
      wanted.push(userId);
    }
    if (wanted.length === 0) return;
    // A device with a live socket hears the event itself. Presence answers for whole users in one
    // read; only the devices of users online somewhere are asked of the adapter.
    const online = await deps.presence.lookup(wanted);
    const candidates = subscriptions.filter((s) => wanted.includes(s.userId));
    const maybeLive = candidates
      .filter((s) => online.get(s.userId)?.online === true)
      .map((s) => s.deviceId);
    const live = maybeLive.length > 0 ? await deps.liveDevices(maybeLive) : new Set<string>();
    const targets = candidates.filter((s) => !live.has(s.deviceId));
    if (targets.length === 0) return;
    const [conversation, senderUser, users] = await Promise.all([
      store.getConversation(event.conversationId),
      store.getUser(sender),
      store.getUsers(targets.map((s) => s.userId)),
    ]);
    const previews = new Map(users.map((u) => [u.id, u.notificationPreviews]));
    const base = {
      type: 'message' as const,
      conversationId: event.conversationId,
      seq: event.seq,
      senderName: senderUser?.displayName ?? 'Someone',
      conversationTitle: conversation?.kind === 'group' ? (conversation.title ?? '') : null,
      tag: pushTagOf(event.conversationId),
    };
    const preview = pushPreview(event.payload);
    for (const subscription of targets) {
      const key = `${subscription.deviceId}:${event.conversationId}`;
      if (!claim(key)) continue;
      const payload: WebPushPayload = {
        ...base,
        preview: previews.get(subscription.userId) === false ? null : preview,
      };
      enqueue(() => push(subscription, payload, key));
    }
  }

  function claimable(deviceId: string, conversationId: string): boolean {
    const last = recent.get(`${deviceId}:${conversationId}`);
    return last === undefined || (!last.open && now() - last.at >= PUSH_CHAT_WINDOW_MS);
  }

  return {
    key(): PushKeyAnswer {
      return { publicKey: deps.publicKey };
    },

    async subscribe(actor: Actor, body: PushSubscriptionBody): Promise<void> {
      spend(deps.limit, actor.deviceId, 'Too many push subscription changes; wait a minute.');
      const problem = endpointProblem(body.endpoint, deps.allowLoopback);
      if (problem !== null)
        throw new ServiceError('invalid_payload', `Invalid request (endpoint: ${problem}).`);
      if (!isP256Point(body.keys.p256dh)) {
        throw new ServiceError(
          'invalid_payload',
          'Invalid request (keys.p256dh: not a P-256 key).',
        );
      }
      const written = await store.setPushSubscription({
        deviceId: actor.deviceId,
        userId: actor.userId,
        endpoint: body.endpoint,
        p256dh: body.keys.p256dh,
        auth: body.keys.auth,
        createdAt: now(),
      });
      if (!written) throw new ServiceError('unauthorized', 'This device is signed out.');
    },

    async unsubscribe(actor: Actor): Promise<void> {
      spend(deps.limit, actor.deviceId, 'Too many push subscription changes; wait a minute.');
      await store.removePushSubscription(actor.deviceId);
    },

    /**
     * A message was committed: plans and sends its pushes in the background. Never throws and
     * never waits, so an ack is never delayed by a push service.
     */
    messageCommitted(event: EventRecord): void {
      planning += 1;
      plan(event)
        .catch((error: unknown) => {
          logger.warn({ err: error, conversationId: event.conversationId }, 'push planning failed');
        })
        .finally(() => {
          planning -= 1;
          pump();
        });
    },

    /** Resolves when no push is queued or in flight (tests, the shutdown drain). */
    settled(): Promise<void> {
      if (running === 0 && planning === 0 && queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => idle.push(resolve));
    },
  };
}
