import { describe, expect, it } from 'vitest';
import { NO_PREVIEW_TEXT, pushTagOf } from '@chitchat/shared';
import {
  firstTimeOf,
  isTabIncomingMessage,
  isTabState,
  isTabStateRequest,
  someTabReads,
  tabNotificationOf,
  type TabNotification,
} from './tab-notifications';

const report = (overrides: Partial<TabNotification> = {}): TabNotification => ({
  conversationId: 'c_1',
  seq: 7,
  title: 'Ana Lima',
  body: 'See you at 8?',
  previews: true,
  ...overrides,
});

describe("the service worker's decision for the open tabs", () => {
  it('shows a message once, however many tabs report it, remembering the last ones only', () => {
    const firstTime = firstTimeOf(2);
    expect(firstTime('c_1:7')).toBe(true);
    expect(firstTime('c_1:7')).toBe(false);
    expect(firstTime('c_2:7')).toBe(true);
    expect(firstTime('c_1:8')).toBe(true);
    // Past the limit the oldest is forgotten.
    expect(firstTime('c_1:7')).toBe(true);
    expect(firstTime('c_1:8')).toBe(false);
  });

  it('skips a chat only when a focused tab has it open', () => {
    const reading = { focused: true, conversationId: 'c_1' };
    expect(someTabReads([null, reading], 'c_1')).toBe(true);
    expect(someTabReads([reading], 'c_2')).toBe(false);
    expect(someTabReads([{ focused: false, conversationId: 'c_1' }, null], 'c_1')).toBe(false);
    expect(someTabReads([], 'c_1')).toBe(false);
  });

  it('folds into the shown notification of the chat as a push does', () => {
    const one = tabNotificationOf(report(), 1000);
    expect(one.title).toBe('Ana Lima');
    expect(one.options).toMatchObject({
      body: 'See you at 8?',
      tag: pushTagOf('c_1'),
      renotify: true,
      timestamp: 1000,
      data: { conversationId: 'c_1', seq: 7, count: 1 },
    });
    const fourth = tabNotificationOf(report({ body: 'Late again' }), 0, { earlier: { count: 3 } });
    expect(fourth.options.body).toBe('4 new messages · Late again');
    expect(fourth.options.data.count).toBe(4);
    const quiet = tabNotificationOf(report({ body: NO_PREVIEW_TEXT, previews: false }), 0, {
      earlier: { count: 1 },
    });
    expect(quiet.options.body).toBe('2 new messages');
    expect(tabNotificationOf(report(), 0, { icon: 'data:image/png;base64,AA' }).options.icon).toBe(
      'data:image/png;base64,AA',
    );
  });

  it('takes only well-formed messages from tabs', () => {
    expect(isTabIncomingMessage({ type: 'chitchat:tab-incoming', notification: report() })).toBe(
      true,
    );
    expect(
      isTabIncomingMessage({ type: 'chitchat:tab-incoming', notification: report({ seq: 1.5 }) }),
    ).toBe(false);
    expect(isTabIncomingMessage({ type: 'chitchat:tab-incoming', notification: null })).toBe(false);
    expect(isTabIncomingMessage({ type: 'other', notification: report() })).toBe(false);
    expect(isTabState({ focused: true, conversationId: null })).toBe(true);
    expect(isTabState({ focused: 'yes', conversationId: null })).toBe(false);
    expect(isTabState({ focused: false, conversationId: 3 })).toBe(false);
    expect(isTabStateRequest({ type: 'chitchat:tab-state?' })).toBe(true);
    expect(isTabStateRequest(null)).toBe(false);
  });
});
