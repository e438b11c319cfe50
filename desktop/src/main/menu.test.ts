import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { applicationMenu } from './menu';

const flatten = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
  items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu) : [])]);

const menu = (platform: NodeJS.Platform, packaged: boolean) =>
  applicationMenu({ platform, packaged, actions: { showLogs: () => undefined } });

describe('the application menu', () => {
  it('leaves the renderer its keyboard shortcuts: no accelerators of its own', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const)
      for (const item of flatten(menu(platform, true))) expect(item.accelerator).toBeUndefined();
  });

  it('starts with the app menu on macOS and a File menu elsewhere', () => {
    expect(menu('darwin', true)[0]?.label).toBe('chitchat');
    expect(menu('win32', true)[0]?.label).toBe('&File');
  });

  it('has copy and paste everywhere, and developer tools only when not packaged', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const roles = flatten(menu(platform, true)).map((item) => item.role);
      expect(roles).toEqual(expect.arrayContaining(['copy', 'paste', 'selectAll', 'quit']));
      expect(roles).not.toContain('toggleDevTools');
      expect(flatten(menu(platform, false)).map((item) => item.role)).toContain('toggleDevTools');
    }
  });
});
