/*
 * Reading SQLite rows whose shape the copy does not take on trust: each column is checked as it is
 * read, so a damaged or hand-edited row stops the copy with its table, key and column named,
 * instead of reaching MongoDB as something the store would misread.
 */

export type Row = Readonly<Record<string, unknown>>;

/** A row the copy cannot map; the message names the table, the row and the column. */
export class CopyStoreError extends Error {
  override name = 'CopyStoreError';
}

export interface RowReader {
  text(column: string): string;
  textOrNull(column: string): string | null;
  int(column: string): number;
  intOrNull(column: string): number | null;
  /** A 0/1 column. */
  flag(column: string): boolean;
  /** A JSON text column, parsed. */
  json(column: string): unknown;
  jsonOrNull(column: string): unknown;
}

/** Typed access to `row` of `table`; `where` names the row in errors (its key). */
export function readRow(table: string, row: Row, where: string): RowReader {
  const fail = (column: string, expected: string): never => {
    throw new CopyStoreError(
      `${table} row ${where}: column ${column} is ${JSON.stringify(row[column]) ?? 'missing'}, expected ${expected}.`,
    );
  };
  const text = (column: string) => {
    const value = row[column];
    return typeof value === 'string' ? value : fail(column, 'text');
  };
  const textOrNull = (column: string) => (row[column] === null ? null : text(column));
  const int = (column: string) => {
    const value = row[column];
    if (typeof value === 'bigint') return Number(value);
    return typeof value === 'number' && Number.isInteger(value)
      ? value
      : fail(column, 'an integer');
  };
  const intOrNull = (column: string) => (row[column] === null ? null : int(column));
  const json = (column: string): unknown => {
    const source = text(column);
    try {
      return JSON.parse(source) as unknown;
    } catch {
      return fail(column, 'JSON text');
    }
  };
  return {
    text,
    textOrNull,
    int,
    intOrNull,
    flag(column) {
      const value = int(column);
      return value === 1 ? true : value === 0 ? false : fail(column, '0 or 1');
    },
    json,
    jsonOrNull: (column) => (row[column] === null ? null : json(column)),
  };
}
