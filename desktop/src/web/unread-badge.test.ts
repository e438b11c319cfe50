import { describe, expect, it } from 'vitest';
import type { ChatHostBridge } from '../common/rpc';
import { titleFor, watchUnread } from './unread-badge';

/** A host whose events the test emits, as the engine's Worker would. */
function fakeHostForTest() {
  const listeners = new Set<(name: string, payload: unknown) => void>();
  const host: ChatHostBridge = {
    invoke: () => Promise.resolve({ ok: true, value: null }),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return {
    host,
    emit: (name: string, payload: unknown) => listeners.forEach((l) => l(name, payload)),
  };
}

describe('the unread badge of the web app', () => {
  it('the tab title carries the count of unmuted unread messages, and the app badge follows', () => {
    const { host, emit } = fakeHostForTest();
    const doc = { title: 'chitchat' } as Document;
    const badges: (number | 'clear')[] = [];
    const nav = {
      setAppBadge: (n?: number) => {
        badges.push(n ?? 0);
        return Promise.resolve();
      },
      clearAppBadge: () => {
        badges.push('clear');
        return Promise.resolve();
      },
    } as Navigator;
    watchUnread(host, doc, nav);
    emit('conversations', [
      { muted: false, unreadCount: 2 },
      { muted: true, unreadCount: 5 },
      { muted: false, unreadCount: 1 },
    ]);
    expect(doc.title).toBe('(3) chitchat');
    emit('conversations', [{ muted: false, unreadCount: 150 }]);
    expect(doc.title).toBe('(99+) chitchat');
    emit('session', { status: 'signed_out', serverUrl: null });
    expect(doc.title).toBe('chitchat');
    expect(badges).toEqual([3, 150, 'clear']);
    expect(titleFor(0)).toBe('chitchat');
  });
});
