import { describe, expect, it } from 'vitest';
import { checkExternalUrl, windowOpenDecision } from './link-policy';

describe('links opened in the system browser', () => {
  it('lets web links through, normalized', () => {
    expect(checkExternalUrl('https://example.com/a?b=1#c')).toEqual({
      allowed: true,
      url: 'https://example.com/a?b=1#c',
    });
    expect(checkExternalUrl('HTTP://Example.COM')).toEqual({
      allowed: true,
      url: 'http://example.com/',
    });
  });

  it('refuses local files, scripts, data and other schemes', () => {
    for (const url of [
      'file:///etc/passwd',
      'file://C:/Windows/System32/calc.exe',
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox',
      'smb://server/share',
      'ms-msdt:/id PCWDiagnostic',
      'mailto:ana@example.com',
      'chitchat://open',
      'about:blank',
    ])
      expect(checkExternalUrl(url), url).toMatchObject({ allowed: false });
  });

  it('refuses what only looks like a link', () => {
    expect(checkExternalUrl('example.com')).toMatchObject({ allowed: false });
    expect(checkExternalUrl('/relative/path')).toMatchObject({ allowed: false });
    expect(checkExternalUrl('https://bank.example@evil.example/')).toMatchObject({
      allowed: false,
      reason: 'credentials in the URL',
    });
    expect(checkExternalUrl(`https://example.com/${'a'.repeat(3000)}`)).toMatchObject({
      allowed: false,
    });
    expect(checkExternalUrl(42)).toMatchObject({ allowed: false });
    expect(checkExternalUrl(null)).toMatchObject({ allowed: false });
  });
});

describe('windows the page opens', () => {
  const origins = ['app://chitchat'];

  it('saves a file the page holds (a document opened from a message) instead of running it', () => {
    expect(windowOpenDecision('blob:app://chitchat/5b1e-42', origins)).toEqual({
      action: 'download',
    });
  });

  it('sends web links to the browser and refuses everything else', () => {
    expect(windowOpenDecision('https://example.com/x', origins)).toEqual({
      action: 'external',
      url: 'https://example.com/x',
    });
    expect(windowOpenDecision('blob:https://evil.example/5b1e', origins)).toMatchObject({
      action: 'refuse',
    });
    expect(windowOpenDecision('blob:nonsense', origins)).toMatchObject({ action: 'refuse' });
    expect(windowOpenDecision('file:///etc/passwd', origins)).toMatchObject({ action: 'refuse' });
    expect(windowOpenDecision('app://chitchat/index.html', origins)).toMatchObject({
      action: 'refuse',
    });
  });
});
