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
  it('stores every kind of value as bound and reads it back exactly, text of any length and script', () => {
    db.exec('CREATE TABLE v (id INTEGER PRIMARY KEY, value)');
    const insert = db.prepare<{ value: unknown }>('INSERT INTO v (value) VALUES (@value)');
    const long = 'long message '.repeat(2_000); // past the first scratch block: it grows
    const values: unknown[] = [
      long,
      'short after long', // reuses the block: nothing of the longer text may follow it
      '',
      'emoji 👍🏽 and 李雷, שלום, مرحبا',
      '\u0000 inside',
      null,
      0,
      -1,
      2 ** 31, // past 32 bits
      -(2 ** 40),
      Number.MAX_SAFE_INTEGER,
      1e20, // past 64 bits: kept as a REAL, not wrapped around
      1.5,
      -0.25,
      42n,
      new Uint8Array([0, 1, 254, 255]),
    ];
    for (const value of values) insert.run({ value });
    const rows = db
      .prepare<[], { value: unknown; kind: string }>(
        'SELECT value, typeof(value) AS kind FROM v ORDER BY id',
      )
      .all();
    expect(rows.slice(0, 15).map((row) => row.value)).toEqual([...values.slice(0, 14), 42]);
    // better-sqlite3 reads a blob as a Buffer, sqlite-wasm as a Uint8Array: the same bytes.
    expect([...(rows[15]?.value as Uint8Array)]).toEqual([0, 1, 254, 255]);
    // Numbers are numbers on both (better-sqlite3 binds every number as REAL, sqlite-wasm an
    // integral one as INTEGER: equal in SQL, and columns of a type convert either way).
    expect(
      rows.map((row) => (['integer', 'real'].includes(row.kind) ? 'number' : row.kind)),
    ).toEqual([
      'text',
      'text',
      'text',
      'text',
      'text',
      'null',
      ...Array<string>(9).fill('number'),
      'blob',
    ]);
    expect(db.prepare('SELECT length(value) AS n FROM v WHERE id = 1').get()).toEqual({
      n: long.length,
    });
    // A value of no SQLite type, or a parameter left out, is refused and writes nothing.
    expect(() => insert.run({ value: true })).toThrow();
    expect(() => insert.run({ value: { nested: 1 } })).toThrow();
    expect(() => insert.run({} as { value: unknown })).toThrow();
    expect(() => db.prepare('INSERT INTO v (id, value) VALUES (?, ?)').run(99)).toThrow();
    expect(db.prepare('SELECT COUNT(*) AS n FROM v').get()).toEqual({ n: values.length });
  });

  it('refuses its statements once closed, and a reopened connection prepares them afresh', () => {
    const insert = db.prepare('INSERT INTO t (name) VALUES (?)');
    insert.run('before');
    for (let i = 0; i < 50; i++) db.pragma('user_version', { simple: true });
    db.close();
    expect(() => insert.run('after close')).toThrow();
    db = driver.openDatabase(path.join(dir, 'contract.sqlite'));
    db.prepare('INSERT INTO t (name) VALUES (?)').run('reopened');
    expect(db.prepare('SELECT name FROM t ORDER BY id').all()).toEqual([
      { name: 'before' },
      { name: 'reopened' },
    ]);
  });
});
