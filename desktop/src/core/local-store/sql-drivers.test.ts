import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqlDriversForTests } from '../../../test/sql-drivers';
import type { SqlDatabase } from './sql';

const drivers = await sqlDriversForTests();

/** What the store relies on of its SQLite, stated once for both hosts' drivers (sql.ts). */
describe.each(drivers)('the SqlDatabase contract over $name', (driver) => {
  let dir: string;
  let db: SqlDatabase;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'chitchat-sql-'));
    db = driver.openDatabase(path.join(dir, 'contract.sqlite'));
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, big INTEGER)');
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('binds positional and @named parameters and returns rows as objects with numbers', () => {
    const insert = db.prepare('INSERT INTO t (name, big) VALUES (?, ?)');
    expect(insert.run('ana', 1_700_000_000_000 * 2_097_152)).toEqual({
      changes: 1,
      lastInsertRowid: 1,
    });
    db.prepare<{ name: string; big: number }>('INSERT INTO t (name, big) VALUES (@name, @big)').run(
      { name: '李雷', big: 7 },
    );
    const rows = db.prepare<[], { id: number; name: string; big: number }>('SELECT * FROM t').all();
    expect(rows).toEqual([
      { id: 1, name: 'ana', big: 1_700_000_000_000 * 2_097_152 },
      { id: 2, name: '李雷', big: 7 },
    ]);
    expect(typeof rows[0]?.big).toBe('number');
    expect(db.prepare('SELECT name FROM t WHERE id = ?').get(3)).toBeUndefined();
    expect(() => db.prepare('SELECT * FROM t WHERE name = @name').all({})).toThrow();
  });

  it('a nested transaction that throws rolls back its part only; a throw outside rolls back all', () => {
    const insert = db.prepare('INSERT INTO t (name) VALUES (?)');
    const inner = db.transaction((name: string) => {
      insert.run(name);
      throw new Error('inner fails');
    });
    db.transaction(() => {
      insert.run('kept');
      expect(() => inner('dropped')).toThrow('inner fails');
    }).immediate();
    expect(() =>
      db.transaction(() => {
        insert.run('also dropped');
        throw new Error('outer fails');
      })(),
    ).toThrow('outer fails');
    expect(db.prepare('SELECT name FROM t').all()).toEqual([{ name: 'kept' }]);
  });

  it('answers pragmas, calls JavaScript functions, and keeps data across close and reopen', () => {
    db.pragma('user_version = 7');
    expect(db.pragma('user_version', { simple: true })).toBe(7);
    db.function('shout', { deterministic: true }, (text: unknown) => `${String(text)}!`);
    expect(db.prepare('SELECT shout(?) AS s').get('hi')).toEqual({ s: 'hi!' });
    db.prepare('INSERT INTO t (name) VALUES (?)').run('stays');
    db.close();
    expect(db.open).toBe(false);
    db = driver.openDatabase(path.join(dir, 'contract.sqlite'));
    expect(db.prepare('SELECT name FROM t').all()).toEqual([{ name: 'stays' }]);
    expect(db.pragma('user_version', { simple: true })).toBe(7);
  });
});
