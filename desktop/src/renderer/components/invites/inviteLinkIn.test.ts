import { describe, expect, it } from 'vitest';
import { inviteLinkIn } from './inviteLinkIn';

const code = 'AbCdEfGhIjKlMnOpQrSt_-';

describe('inviteLinkIn', () => {
  it('finds a join link inside a sentence, on any host', () => {
    expect(inviteLinkIn(`Join us: https://chat.example/join/${code}. See you`)).toBe(
      `https://chat.example/join/${code}`,
    );
    expect(inviteLinkIn(`http://127.0.0.1:4000/join/${code}`)).toBe(
      `http://127.0.0.1:4000/join/${code}`,
    );
  });
  it('ignores other links, short or long codes, and bare codes', () => {
    expect(inviteLinkIn('https://chat.example/about')).toBeNull();
    expect(inviteLinkIn(`https://chat.example/join/${code}x`)).toBeNull();
    expect(inviteLinkIn('https://chat.example/join/short')).toBeNull();
    expect(inviteLinkIn(code)).toBeNull();
  });
});
