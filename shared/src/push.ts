import { z } from 'zod';

/*
 * Web Push (RFC 8030/8291, DESIGN §10 and §11): what the web app sends to keep one push
 * subscription per device, and what a push carries to its service worker.
 */

/** A push service's endpoint URL; real ones (FCM, Mozilla, Apple) are far shorter. */
export const PUSH_ENDPOINT_MAX_LENGTH = 2048;

/**
 * A browser's `PushSubscription.toJSON().keys`: `p256dh` is the uncompressed P-256 public key
 * (65 bytes starting 0x04, so its base64url starts with `B`), `auth` the 16-byte secret, both
 * base64url without padding (padding, which some browsers wrote, is taken off).
 */
const base64url = (pattern: RegExp, what: string) =>
  z
    .string()
    .max(128)
    .transform((value) => value.replace(/=+$/, ''))
    .pipe(z.string().regex(pattern, what));

export const pushKeysSchema = z.object({
  p256dh: base64url(/^B[A-Za-z0-9_-]{86}$/, 'must be an uncompressed P-256 public key (base64url)'),
  auth: base64url(/^[A-Za-z0-9_-]{21}[AQgw]$/, 'must be 16 bytes (base64url)'),
});

/**
 * `PUT /api/push/subscription`: the calling device's subscription, replacing any earlier one.
 * The schema admits http(s) addresses only; the server then asks for https (plain http only to a
 * loopback address, and only where `WEB_PUSH_ALLOW_LOOPBACK` allows it, for tests and development).
 */
export const pushSubscriptionBodySchema = z.object({
  endpoint: z
    .string()
    .max(PUSH_ENDPOINT_MAX_LENGTH)
    .pipe(z.url({ protocol: /^https?$/, error: 'must be an https:// address' })),
  keys: pushKeysSchema,
});
export type PushSubscriptionBody = z.infer<typeof pushSubscriptionBodySchema>;

/** `GET /api/push/key`: the server's VAPID public key, the browser's `applicationServerKey`. */
export interface PushKeyAnswer {
  publicKey: string;
}

/** A push of a new message: what the service worker decrypts (it is encrypted per RFC 8291). */
export const webPushPayloadSchema = z.object({
  type: z.literal('message'),
  conversationId: z.string(),
  seq: z.number().int().positive(),
  /** The sender's display name. */
  senderName: z.string(),
  /** The group's title; null in a direct chat (the sender names it). */
  conversationTitle: z.string().nullable(),
  /** One line of the message as the desktop notification words it; null when previews are off. */
  preview: z.string().nullable(),
  /** The notification's tag: one per chat, so a newer push replaces the older notification. */
  tag: z.string(),
});
export type WebPushPayload = z.infer<typeof webPushPayloadSchema>;

/** Longest line of a notification (a push's `preview`, the apps' own notifications). */
export const NOTIFICATION_LINE_MAX_LENGTH = 120;

/** Whitespace runs (line breaks, tabs) as one space: a notification shows one line. */
export const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** Cuts to `max` code points with "…", so an emoji is never split into half a surrogate pair. */
export function cutToLength(text: string, max: number): string {
  const points = Array.from(text);
  return points.length <= max
    ? text
    : `${points
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}

/**
 * A notification's line for a message whose recipient turned "Show previews" off (`preview: null`
 * above): the same words in the service worker and in the apps' own notifications.
 */
export const NO_PREVIEW_TEXT = 'New message';

/** The notification tag of a chat (also what the service worker matches a click against). */
export const pushTagOf = (conversationId: string) => `chat:${conversationId}`;
