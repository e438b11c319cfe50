/**
 * Command-line and environment options of the app besides `--profile` (profile.ts).
 */

/**
 * The app's id: `appId` in electron-builder.yml, and on Windows the AppUserModelID that ties
 * notifications and the taskbar to the installed app.
 */
export const APP_ID = 'chat.chitchat.desktop';

/** The value of `--name=value` or `--name value`, the last one given; undefined when absent. */
export function switchValue(argv: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === name) {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        value = next;
        i++;
      }
    } else if (arg.startsWith(`${name}=`)) value = arg.slice(name.length + 1);
  }
  return value;
}

const webUrl = (raw: string | undefined): string | null => {
  if (raw === undefined || raw.trim() === '') return null;
  try {
    const url = new URL(raw.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (url.username !== '' || url.password !== '') return null;
    return url.href.replace(/\/+$/, '');
  } catch {
    return null;
  }
};

/**
 * The server to prefill the sign-in form with: `--server-url URL` (what `npm start` passes), else
 * `CHITCHAT_SERVER_URL`, else none. Only http(s) URLs; anything else is ignored.
 */
export function defaultServerUrl(argv: readonly string[], env: NodeJS.ProcessEnv): string | null {
  return webUrl(switchValue(argv, '--server-url')) ?? webUrl(env.CHITCHAT_SERVER_URL);
}

/**
 * Development only: load the renderer from Vite's dev server (`CHITCHAT_RENDERER_URL`, e.g.
 * http://localhost:5173) instead of the built files. Ignored in a packaged app.
 */
export function rendererDevUrl(env: NodeJS.ProcessEnv, packaged: boolean): string | null {
  return packaged ? null : webUrl(env.CHITCHAT_RENDERER_URL);
}
