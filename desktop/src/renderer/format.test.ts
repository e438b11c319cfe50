import { describe, expect, it } from 'vitest';
import {
  collapsedText,
  dateFormatter,
  dayLabel,
  errorText,
  initials,
  lastSeen,
  listTime,
  mutedUntilText,
  previewSender,
  serverOfInviteLink,
  timeOfDay,
  travelsUnencrypted,
} from './format';

const at = new Date(2026, 2, 9, 5, 17).getTime(); // a Monday, 05:17 local time

describe('times in the locale’s own format', () => {
  it('writes a time of day as each locale does, not as one fixed "05:17 AM" pattern', () => {
    expect(timeOfDay(at, 'en-US')).toBe('5:17 AM');
    expect(timeOfDay(at, 'en-GB')).toBe('05:17');
    expect(timeOfDay(at, 'de-DE')).toBe('05:17');
    expect(timeOfDay(at, 'he-IL')).toBe('5:17');
  });

  it('keeps one formatter per locale and option set', () => {
    expect(dateFormatter({ timeStyle: 'short' }, 'en-US')).toBe(
      dateFormatter({ timeStyle: 'short' }, 'en-US'),
    );
    expect(dateFormatter({ timeStyle: 'short' }, 'en-US')).not.toBe(
      dateFormatter({ timeStyle: 'short' }, 'de-DE'),
    );
  });

  it('shows time today, "Yesterday", a weekday this week and a locale date before', () => {
    const day = 86_400_000;
    expect(listTime(at, at + 60_000, 'en-US')).toBe('5:17 AM');
    expect(listTime(at, at + day, 'en-US')).toBe('Yesterday');
    expect(listTime(at, at + 3 * day, 'en-US')).toBe('Monday');
    expect(listTime(at, at + 3 * day, 'de-DE')).toBe('Montag');
    expect(listTime(at, at + 30 * day, 'en-US')).toBe('3/9/26');
    expect(listTime(at, at + 30 * day, 'de-DE')).toBe('09.03.26');
    expect(dayLabel(at, at + 30 * day, 'en-GB')).toMatch(/^Monday,? 9 March 2026$/);
    expect(lastSeen(at, at + 60_000, 'en-GB')).toBe('last seen today at 05:17');
  });

  it('says until when a chat is muted: today, tomorrow, later, or always', () => {
    const hour = 3_600_000;
    const iso = (t: number) => new Date(t).toISOString();
    expect(mutedUntilText(iso(at + 8 * hour), at, 'en-US')).toBe('Muted until 1:17 PM');
    expect(mutedUntilText(iso(at + 20 * hour), at, 'en-GB')).toBe('Muted until tomorrow, 01:17');
    expect(mutedUntilText(iso(at + 7 * 24 * hour), at, 'en-US')).toBe(
      'Muted until Mar 16, 2026, 5:17 AM',
    );
    expect(mutedUntilText('always', at)).toBe('Muted always');
  });
});

describe('avatar initials', () => {
  it('come from letters, not digits', () => {
    expect(initials('2024 Trip Planning')).toBe('TP');
    expect(initials('Team 42')).toBe('T');
    expect(initials('3D printing club')).toBe('DC');
    expect(initials('Ana Lima')).toBe('AL');
    expect(initials('ana')).toBe('A');
    expect(initials('  Ben   van Okafor ')).toBe('BO');
    expect(initials('דנה כהן')).toBe('דכ');
    expect(initials('🍕 Pizza Friday')).toBe('PF');
    expect(initials('2024')).toBe('');
  });
});

describe('list previews', () => {
  it('name nobody before a system line, which already says who acted', () => {
    const system = { kind: 'system', senderName: 'You' };
    expect(previewSender('group', system)).toBe('');
    expect(previewSender('group', { kind: 'text', senderName: 'You' })).toBe('You: ');
    expect(previewSender('group', { kind: 'text', senderName: 'Ana' })).toBe('Ana: ');
    expect(previewSender('direct', { kind: 'text', senderName: 'Ana' })).toBe('');
  });
});

describe('long messages', () => {
  it('fold an 8,000-character message at a word boundary and leave short ones whole', () => {
    const long = 'lorem ipsum dolor '.repeat(450);
    const folded = collapsedText(long);
    expect(folded).not.toBeNull();
    expect(folded!.length).toBeLessThan(1_600);
    expect(folded!.endsWith('…')).toBe(true);
    expect(long.startsWith(folded!.slice(0, -1))).toBe(true);
    expect(collapsedText('short message')).toBeNull();
    expect(collapsedText('😀'.repeat(4_000))).not.toMatch(/[\uD800-\uDBFF]…$/);
  });
});

describe('error texts', () => {
  const error = (code: string, message = '') => Object.assign(new Error(message), { code });

  it('say what to do, in words, for a server that is not chitchat or never answers', () => {
    expect(errorText(error('not_chitchat', 'HTTP 404'))).toMatch(/not a chitchat server/);
    expect(errorText(error('not_chitchat', 'HTTP 404'))).not.toMatch(/404/);
    expect(errorText(error('timeout'))).toMatch(/did not answer/);
  });

  it('say "offline" to a signed-in person, and "check the address" only at sign-in', () => {
    expect(errorText(error('network'))).toMatch(/You're offline/);
    expect(errorText(error('network'))).not.toMatch(/address/);
    expect(errorText(error('network'), { signingIn: true })).toMatch(/check the address/);
  });
});

describe('plain http warning (DESIGN §7)', () => {
  it('warns for http:// to another machine, not for loopback or https', () => {
    expect(travelsUnencrypted('http://chat.example.org')).toBe(true);
    expect(travelsUnencrypted('http://192.168.1.20:3000')).toBe(true);
    expect(travelsUnencrypted('chat.example.org:3000')).toBe(true);
    expect(travelsUnencrypted('https://chat.example.org')).toBe(false);
    expect(travelsUnencrypted('http://localhost:3000')).toBe(false);
    expect(travelsUnencrypted('http://127.0.0.1:3000')).toBe(false);
    expect(travelsUnencrypted('http://[::1]:3000')).toBe(false);
    expect(travelsUnencrypted('localhost:3000')).toBe(false);
  });
});

describe('invite links (REGISTRATION invite)', () => {
  it('names the server of a pasted link, not of a bare code or anything else', () => {
    expect(serverOfInviteLink('https://chat.example.org/invite/Ab3_x-9')).toBe(
      'https://chat.example.org',
    );
    expect(serverOfInviteLink(' http://192.168.1.20:3000/invite/Ab3/?from=mail ')).toBe(
      'http://192.168.1.20:3000',
    );
    expect(serverOfInviteLink('Ab3_x-9')).toBeNull();
    expect(serverOfInviteLink('https://chat.example.org/login')).toBeNull();
    expect(serverOfInviteLink('javascript:alert(1)//invite/abc')).toBeNull();
  });
});
