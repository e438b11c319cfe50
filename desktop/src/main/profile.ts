/**
 * Profiles: `--profile NAME` runs another account side by side. Each profile is its own Electron
 * userData folder, so it has its own single-instance lock, window state, refresh token, engine
 * cache and Chromium storage. Pure: main passes in the platform and Electron's `appData` folder.
 */
import path from 'node:path';

export const DEFAULT_PROFILE = 'default';
export const PROFILE_NAME_MAX_LENGTH = 32;

/** Names Windows refuses as file names, whatever the extension. */
const WINDOWS_RESERVED = /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])$/;
const PROFILE_NAME = /^[a-z0-9][a-z0-9_-]*$/;

export type ProfileChoice = { ok: true; profile: string } | { ok: false; error: string };

/**
 * Checks a profile name and returns its canonical (lower-case) form. Lower case because Windows and
 * macOS folders are case-insensitive: `Work` and `work` must be one profile with one lock.
 */
export function validateProfileName(raw: string): ProfileChoice {
  const name = raw.trim().toLowerCase();
  if (name === '') return { ok: false, error: 'The profile name is empty.' };
  if (name.length > PROFILE_NAME_MAX_LENGTH)
    return {
      ok: false,
      error: `The profile name "${raw}" is longer than ${PROFILE_NAME_MAX_LENGTH} characters.`,
    };
  if (!PROFILE_NAME.test(name) || WINDOWS_RESERVED.test(name))
    return {
      ok: false,
      error: `The profile name "${raw}" is not allowed: use letters, digits, "-" and "_", starting with a letter or digit.`,
    };
  return { ok: true, profile: name };
}

/**
 * The profile named on the command line (`--profile NAME` or `--profile=NAME`), else the default.
 * Electron's argv starts with the executable (and, unpackaged, the app path); Chromium may add its
 * own switches, so the flag is looked for anywhere. A second `--profile` is refused rather than
 * guessed at.
 */
export function profileFromArgv(argv: readonly string[]): ProfileChoice {
  const found: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--profile') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--'))
        return { ok: false, error: '--profile needs a name, e.g. --profile work.' };
      found.push(value);
      i++;
    } else if (arg.startsWith('--profile=')) {
      found.push(arg.slice('--profile='.length));
    }
  }
  if (found.length > 1)
    return { ok: false, error: `--profile was given ${found.length} times; give it once.` };
  return found[0] === undefined
    ? { ok: true, profile: DEFAULT_PROFILE }
    : validateProfileName(found[0]);
}

export interface ProfilePaths {
  profile: string;
  /** Electron's userData for this profile (Chromium storage, the lock, everything below). */
  userData: string;
  /** The engine's folder: session.json and one SQLite cache per account (ChatClient `profileDir`). */
  engineDir: string;
  /** The refresh token, encrypted with safeStorage (written by main only). */
  tokenFile: string;
  /** Window bounds and small shell flags. */
  shellStateFile: string;
  logsDir: string;
}

/**
 * Where a profile lives. `appData` is Electron's `app.getPath('appData')`: `%APPDATA%` on Windows,
 * `~/Library/Application Support` on macOS, `$XDG_CONFIG_HOME` or `~/.config` on Linux. Every
 * profile, the default one included, sits under `<appData>/chitchat/profiles/<name>`, so the
 * folders of all accounts are side by side and none is nested in another's Chromium storage.
 */
export function profilePaths(
  platform: NodeJS.Platform,
  appData: string,
  profile: string,
): ProfilePaths {
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const join = (...parts: string[]) => paths.join(...parts);
  const userData = join(appData, 'chitchat', 'profiles', profile);
  return {
    profile,
    userData,
    engineDir: join(userData, 'engine'),
    tokenFile: join(userData, 'refresh-token.bin'),
    shellStateFile: join(userData, 'shell-state.json'),
    logsDir: join(userData, 'logs'),
  };
}

/** "chitchat", or "chitchat (work)" for another profile: window title, tray tooltip, menus. */
export function appTitle(profile: string): string {
  return profile === DEFAULT_PROFILE ? 'chitchat' : `chitchat (${profile})`;
}
