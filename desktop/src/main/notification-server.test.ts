import { describe, expect, it } from 'vitest';
import { forNotificationServer } from './notification-server';

describe('text from other people in native notifications', () => {
  const content = {
    title: '<b>Boss</b> & "Co"',
    body: "Ana: <a href='https://evil.example'>pay here</a> <img src=x>",
  };

  it('is escaped on Linux, whose notification servers render markup', () => {
    expect(forNotificationServer(content, 'linux')).toEqual({
      title: '&lt;b&gt;Boss&lt;/b&gt; &amp; &quot;Co&quot;',
      body: 'Ana: &lt;a href=&#39;https://evil.example&#39;&gt;pay here&lt;/a&gt; &lt;img src=x&gt;',
    });
  });

  it('is left as typed where notifications show plain text', () => {
    for (const platform of ['darwin', 'win32'] as const) {
      expect(forNotificationServer(content, platform)).toEqual(content);
    }
  });
});
