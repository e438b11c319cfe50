import { pushTagOf } from '@chitchat/shared';
import {
  NOTIFICATION_ICON,
  foldedBody,
  type EarlierNotification,
  type ShownNotification,
} from './notification';

/*
 * The web app's own notifications with several tabs open (issue #17). Every tab of the account
 * hears each new message; deciding in each tab raced (two tabs showed it, a background tab
 * notified about the chat read in another). So a tab only reports the message to the service
 * worker, one instance per origin, which alone decides: it asks every tab what it shows, skips
 * when a visible, focused tab has that chat open, shows each message once, and folds it into the
 * chat's notification as a push is ("3 new messages"). Kept apart from the worker's globals so
 * the page and Node tests share it.
 */

/** What a tab tells the worker it shows: whether it is in view and focused, and its open chat. */
export interface TabState {
  focused: boolean;
  conversationId: string | null;
}

/** A new message as a tab reports it (the policy's title and line, for the worker to fold). */
export interface TabNotification {
  conversationId: string;
  seq: number;
  title: string;
  /** The message's line (a group's with its sender before it). */
  body: string;
  /** The account's "Show previews": a folded notification shows the newest line only then. */
  previews: boolean;
}

export interface TabIncomingMessage {
  type: 'chitchat:tab-incoming';
  notification: TabNotification;
}

/** The worker's question to a tab, answered with its TabState on the port it carries. */
export interface TabStateRequest {
  type: 'chitchat:tab-state?';
}

const isRecord = (data: unknown): data is Record<string, unknown> =>
  typeof data === 'object' && data !== null;

export const isTabStateRequest = (data: unknown): data is TabStateRequest =>
  isRecord(data) && data.type === 'chitchat:tab-state?';

export const isTabState = (data: unknown): data is TabState =>
  isRecord(data) &&
  typeof data.focused === 'boolean' &&
  (data.conversationId === null || typeof data.conversationId === 'string');

export function isTabIncomingMessage(data: unknown): data is TabIncomingMessage {
  if (!isRecord(data) || data.type !== 'chitchat:tab-incoming') return false;
  const n = data.notification;
  return (
    isRecord(n) &&
    typeof n.conversationId === 'string' &&
    typeof n.seq === 'number' &&
    Number.isInteger(n.seq) &&
    typeof n.title === 'string' &&
    typeof n.body === 'string' &&
    typeof n.previews === 'boolean'
  );
}

/** Whether a tab in view and focused has the chat open (its notification would only disturb). */
export const someTabReads = (tabs: (TabState | null)[], conversationId: string): boolean =>
  tabs.some((tab) => tab !== null && tab.focused && tab.conversationId === conversationId);

/**
 * True the first time a key is seen, false after (the last `limit` keys are remembered): every
 * tab reports the same message, and it is shown once.
 */
export function firstTimeOf(limit: number): (key: string) => boolean {
  const seen = new Set<string>();
  return (key) => {
    if (seen.has(key)) return false;
    seen.add(key);
    if (seen.size > limit) {
      const [oldest] = seen;
      if (oldest !== undefined) seen.delete(oldest);
    }
    return true;
  };
}

/** The notification of a tab's report, folded into what the chat already shows. */
export function tabNotificationOf(
  report: TabNotification,
  now: number,
  options: { earlier?: EarlierNotification; icon?: string } = {},
): ShownNotification {
  const count = (options.earlier?.count ?? 0) + 1;
  return {
    title: report.title,
    options: {
      body: foldedBody(report.body, count, report.previews),
      tag: pushTagOf(report.conversationId),
      renotify: true,
      icon: options.icon ?? NOTIFICATION_ICON,
      badge: NOTIFICATION_ICON,
      timestamp: now,
      data: { conversationId: report.conversationId, seq: report.seq, count },
    },
  };
}
