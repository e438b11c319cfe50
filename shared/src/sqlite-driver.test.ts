import { describe, expect, it } from 'vitest';
import { loadSqliteDriver, sqliteDriverFor } from './sqlite-driver';

describe('sqlite driver choice', () => {
  it('keeps better-sqlite3 12 on Node 20 and takes the Node-API build from Node 22', () => {
    expect(sqliteDriverFor({ node: '20.11.0' })).toBe('better-sqlite3');
    expect(sqliteDriverFor({ node: '20.20.2' })).toBe('better-sqlite3');
    expect(sqliteDriverFor({ node: '22.0.0' })).toBe('better-sqlite3-napi');
    expect(sqliteDriverFor({ node: '24.21.0' })).toBe('better-sqlite3-napi');
  });

  it('keeps the legacy build in Electron, which npm start and npm run dist rebuild for it', () => {
    expect(sqliteDriverFor({ node: '22.20.0', electron: '45.4.1' })).toBe('better-sqlite3');
  });

  it('falls back to the legacy build, warning, only when the Node-API build is not installed', () => {
    const warnings: string[] = [];
    const missing = (id: string): unknown => {
      if (id === 'better-sqlite3-napi') {
        throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
      }
      return id;
    };
    expect(loadSqliteDriver(missing, { node: '24.21.0' }, (m) => warnings.push(m))).toBe(
      'better-sqlite3',
    );
    expect(warnings).toHaveLength(1);
    expect(
      loadSqliteDriver(
        (id) => id,
        { node: '24.21.0' },
        (m) => warnings.push(m),
      ),
    ).toBe('better-sqlite3-napi');
    expect(
      loadSqliteDriver(
        (id) => id,
        { node: '20.11.0' },
        (m) => warnings.push(m),
      ),
    ).toBe('better-sqlite3');
    expect(warnings).toHaveLength(1);
  });

  it('does not hide a driver that is installed but fails to load', () => {
    const broken = (): unknown => {
      throw Object.assign(new Error('invalid ELF header'), { code: 'ERR_DLOPEN_FAILED' });
    };
    expect(() => loadSqliteDriver(broken, { node: '24.21.0' }, () => undefined)).toThrow(/ELF/);
  });
});
