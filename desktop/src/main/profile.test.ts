import { describe, expect, it } from 'vitest';
import { appTitle, profileFromArgv, profilePaths, validateProfileName } from './profile';

describe('--profile on the command line', () => {
  it('is the default profile when not given, packaged or not', () => {
    expect(profileFromArgv(['/opt/chitchat/chitchat'])).toEqual({ ok: true, profile: 'default' });
    expect(profileFromArgv(['/x/electron', 'desktop', '--server-url=http://h:3000'])).toEqual({
      ok: true,
      profile: 'default',
    });
  });

  it('reads both spellings, anywhere among Chromium switches, in lower case', () => {
    expect(profileFromArgv(['chitchat', '--no-sandbox', '--profile', 'Work'])).toEqual({
      ok: true,
      profile: 'work',
    });
    expect(profileFromArgv(['chitchat', '--profile=alice_2', '--enable-logging'])).toEqual({
      ok: true,
      profile: 'alice_2',
    });
  });

  it('refuses a missing value, a repeated flag and names that are not safe folder names', () => {
    expect(profileFromArgv(['chitchat', '--profile'])).toMatchObject({ ok: false });
    expect(profileFromArgv(['chitchat', '--profile', '--inspect'])).toMatchObject({ ok: false });
    expect(profileFromArgv(['chitchat', '--profile=a', '--profile=b'])).toMatchObject({
      ok: false,
      error: expect.stringContaining('once') as string,
    });
    for (const bad of [
      '',
      '../x',
      'a/b',
      'a\\b',
      '.hidden',
      '-x',
      'con',
      'LPT1',
      'x'.repeat(33),
      'é',
    ])
      expect(validateProfileName(bad), bad).toMatchObject({ ok: false });
    expect(validateProfileName(' Team-2 ')).toEqual({ ok: true, profile: 'team-2' });
  });
});

describe('where a profile lives', () => {
  it('keeps every profile in its own folder under appData, per OS', () => {
    expect(profilePaths('linux', '/home/ana/.config', 'default')).toEqual({
      profile: 'default',
      userData: '/home/ana/.config/chitchat/profiles/default',
      engineDir: '/home/ana/.config/chitchat/profiles/default/engine',
      tokenFile: '/home/ana/.config/chitchat/profiles/default/refresh-token.bin',
      shellStateFile: '/home/ana/.config/chitchat/profiles/default/shell-state.json',
      logsDir: '/home/ana/.config/chitchat/profiles/default/logs',
    });
    expect(profilePaths('darwin', '/Users/ana/Library/Application Support', 'work').userData).toBe(
      '/Users/ana/Library/Application Support/chitchat/profiles/work',
    );
    const windows = profilePaths('win32', 'C:\\Users\\Ana\\AppData\\Roaming', 'work');
    expect(windows.userData).toBe('C:\\Users\\Ana\\AppData\\Roaming\\chitchat\\profiles\\work');
    expect(windows.tokenFile).toBe(
      'C:\\Users\\Ana\\AppData\\Roaming\\chitchat\\profiles\\work\\refresh-token.bin',
    );
  });

  it('never lets two profiles share a folder', () => {
    const a = profilePaths('linux', '/c', 'a');
    const b = profilePaths('linux', '/c', 'b');
    for (const key of ['userData', 'engineDir', 'tokenFile', 'shellStateFile'] as const)
      expect(a[key]).not.toBe(b[key]);
  });

  it('names the window after the profile unless it is the default one', () => {
    expect(appTitle('default')).toBe('chitchat');
    expect(appTitle('work')).toBe('chitchat (work)');
  });
});
