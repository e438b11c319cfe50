/**
 * The wire protocol version this build speaks; sent as `auth.protocol` in the handshake.
 * 2: events a member may not see arrive as `hidden` stubs (live and in pages) instead of not at
 * all; a protocol 1 socket gets no stubs, and its pages are filled up to `limit` without them.
 * 3: group settings events (`description_changed`, `group_settings`; issue #15).
 * 4: `avatar_changed` (the group photo, issue #15). It came after protocol 3 was out, so a
 * protocol 3 app (which shows an unknown type as "unsupported message") must not receive it.
 */
export const PROTOCOL_VERSION = 4;
/** The oldest protocol version a server of this build still accepts. */
export const MIN_PROTOCOL = 1;
/** The first protocol whose sockets receive `hidden` stubs. */
export const HIDDEN_STUB_PROTOCOL = 2;
/**
 * The first protocol whose sockets receive a message's `forwarded`, `linkPreview`, `mentions` and
 * `voice` fields, and `receipt:played`; a protocol 1 socket gets the message without them (live
 * and in pages), as it always did: a voice note is then a plain audio attachment.
 */
export const MESSAGE_EXTRAS_PROTOCOL = 2;
/** The first protocol whose sockets receive the group settings events of issue #15. */
export const GROUP_SETTINGS_PROTOCOL = 3;
/** The first protocol whose sockets receive `avatar_changed` (group photos, issue #15). */
export const GROUP_PHOTO_PROTOCOL = 4;
/**
 * The first protocol whose sockets receive each log entry type (issue #14: an older app must show
 * no stray "unsupported message" for events it cannot display). A type not listed here reaches
 * every protocol. Sockets below the entry's protocol get nothing live, and their pages are filled
 * up to `limit` without such entries (as for `hidden` stubs). Add every new event type here.
 */
export const EVENT_TYPE_FIRST_PROTOCOL: Readonly<Record<string, number>> = {
  hidden: HIDDEN_STUB_PROTOCOL,
  reaction: 2,
  pin: 2,
  poll_vote: 2,
  description_changed: GROUP_SETTINGS_PROTOCOL,
  group_settings: GROUP_SETTINGS_PROTOCOL,
  avatar_changed: GROUP_PHOTO_PROTOCOL,
};

/** The first protocol that receives log entries of `type` (MIN_PROTOCOL for the original types). */
export const firstProtocolOf = (type: string): number =>
  EVENT_TYPE_FIRST_PROTOCOL[type] ?? MIN_PROTOCOL;

/** Whether a socket speaking `protocol` receives log entries of `type`, live and in pages. */
export const receivesEventType = (protocol: number, type: string): boolean =>
  protocol >= firstProtocolOf(type);
