import { describe, expect, it } from 'vitest';
import { defaultServerUrl, rendererDevUrl, switchValue } from './launch';

describe('launch options', () => {
  it('reads a switch in either spelling', () => {
    expect(switchValue(['app', '--server-url', 'http://h:1'], '--server-url')).toBe('http://h:1');
    expect(switchValue(['app', '--server-url=http://h:2'], '--server-url')).toBe('http://h:2');
    expect(switchValue(['app', '--server-url', '--x'], '--server-url')).toBeUndefined();
    expect(switchValue(['app'], '--server-url')).toBeUndefined();
  });

  it('prefills the sign-in form from --server-url, else CHITCHAT_SERVER_URL, web URLs only', () => {
    expect(defaultServerUrl(['app', '--server-url=http://127.0.0.1:3000/'], {})).toBe(
      'http://127.0.0.1:3000',
    );
    expect(defaultServerUrl(['app'], { CHITCHAT_SERVER_URL: 'https://chat.example.org' })).toBe(
      'https://chat.example.org',
    );
    expect(defaultServerUrl(['app', '--server-url=javascript:alert(1)'], {})).toBeNull();
    expect(defaultServerUrl(['app', '--server-url=https://u:p@chat.example.org'], {})).toBeNull();
    expect(defaultServerUrl(['app'], {})).toBeNull();
  });

  it('loads the renderer from a dev server only when not packaged', () => {
    const env = { CHITCHAT_RENDERER_URL: 'http://localhost:5173' };
    expect(rendererDevUrl(env, false)).toBe('http://localhost:5173');
    expect(rendererDevUrl(env, true)).toBeNull();
    expect(rendererDevUrl({ CHITCHAT_RENDERER_URL: 'file:///x' }, false)).toBeNull();
  });
});
