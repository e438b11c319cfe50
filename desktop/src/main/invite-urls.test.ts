import { describe, expect, it } from 'vitest';
import { InviteLinkRouter, inviteCodeInArgv, inviteCodeOfUrl } from './invite-urls';

const CODE = 'AbCdEfGhIjKlMnOpQrStUv';

describe('invite links handed to the desktop app by the system', () => {
  it('reads chitchat://join/<code> and the server https invite URL, and nothing else', () => {
    expect(inviteCodeOfUrl(`chitchat://join/${CODE}`)).toBe(CODE);
    expect(inviteCodeOfUrl(`chitchat://join/${CODE}/`)).toBe(CODE);
    expect(inviteCodeOfUrl(` https://chat.example.org/join/${CODE} `)).toBe(CODE);
    expect(inviteCodeOfUrl(`http://127.0.0.1:3000/join/${CODE}`)).toBe(CODE);
    expect(inviteCodeOfUrl(`https://chat.example.org/chat/join/${CODE}`)).toBe(CODE);
    for (const bad of [
      `chitchat://open/${CODE}`,
      `chitchat://join/${CODE.slice(1)}`,
      `chitchat://join/${CODE}x`,
      `https://chat.example.org/join/${CODE}?next=evil`,
      `https://user:pw@chat.example.org/join/${CODE}`,
      `file:///join/${CODE}`,
      `javascript:alert(1)//join/${CODE}`,
      `https://chat.example.org/invite/${CODE}`,
      CODE,
      '',
      'not a url',
    ])
      expect(inviteCodeOfUrl(bad), bad).toBeNull();
  });

  it('finds the link among the arguments of a start or a second start, skipping switches', () => {
    expect(
      inviteCodeInArgv(['/opt/chitchat/chitchat', '--profile', 'work', `chitchat://join/${CODE}`]),
    ).toBe(CODE);
    expect(inviteCodeInArgv(['/opt/chitchat/chitchat', '--no-sandbox', '.'])).toBeNull();
    expect(inviteCodeInArgv([`--x=chitchat://join/${CODE}`])).toBeNull();
  });

  it('holds a link until the window is ready, delivers at once after, keeps only the newest', () => {
    const delivered: string[] = [];
    const router = new InviteLinkRouter((code) => delivered.push(code));
    const other = 'ZyXwVuTsRqPoNmLkJiHgFe';
    expect(router.openFromArgv(['chitchat', `chitchat://join/${CODE}`])).toBe(true);
    expect(router.open(`https://chat.example.org/join/${other}`)).toBe(true);
    expect(router.open('https://chat.example.org/about')).toBe(false);
    expect(delivered).toEqual([]);
    router.windowReady();
    expect(delivered).toEqual([other]);
    router.open(`chitchat://join/${CODE}`);
    expect(delivered).toEqual([other, CODE]);
    // A reload: held again until the page is back.
    router.windowGone();
    router.open(`chitchat://join/${other}`);
    expect(delivered).toEqual([other, CODE]);
    router.windowReady();
    expect(delivered).toEqual([other, CODE, other]);
    router.windowReady();
    expect(delivered).toHaveLength(3);
  });
});
