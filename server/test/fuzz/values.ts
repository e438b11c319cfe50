/**
 * Building blocks of the fuzz test's arbitraries: ids real and unknown, values that are not ids,
 * numbers and strings a JavaScript server tends to get wrong, random wire values, and the
 * valid/invalid pair every payload field is described by.
 */
import fc from 'fast-check';
import { ID_MAX_LENGTH } from '@chitchat/shared';

const ID_CHARS = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  '-',
  '_',
] as const;

/** Picks from a pool that is read when the value is generated (the pool may grow). */
export function fromPool(pool: () => readonly string[]): fc.Arbitrary<string> {
  return fc.nat().map((i) => {
    const values = pool();
    return values.length === 0 ? 'no-such-id' : (values[i % values.length] as string);
  });
}

/** A well-formed id nobody minted (also names that trip naive object lookups). */
export const unknownId: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.constantFrom(...ID_CHARS), minLength: 1, maxLength: ID_MAX_LENGTH }),
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    'null',
    'undefined',
    '0',
    '-',
    '_',
    'x'.repeat(ID_MAX_LENGTH),
  ),
);

/** Strings that are not ids: empty, too long, forbidden characters, injection attempts. */
export const badId: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    'a'.repeat(ID_MAX_LENGTH + 1),
    'a b',
    ' a',
    'a\n',
    'ä',
    '😀',
    '\ud800',
    'a\u0000b',
    '../../etc/passwd',
    "x'; DROP TABLE events; --",
    'x" OR 1=1 --',
    '%',
    'a.b',
    'a/b',
    'a:b',
    '*',
    '$where',
    'user:',
    'presence:x',
  ),
  fc
    .string({ unit: 'binary', minLength: 1, maxLength: ID_MAX_LENGTH + 16 })
    .filter((s) => !/^[A-Za-z0-9_-]+$/.test(s) || s.length > ID_MAX_LENGTH),
);

/** Numbers a JavaScript server tends to get wrong. */
export const weirdNumber: fc.Arbitrary<number> = fc.constantFrom(
  Number.NaN,
  -0,
  0,
  -1,
  0.5,
  -0.5,
  1.000_000_1,
  1e308,
  -1e308,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 1,
  Number.MAX_SAFE_INTEGER + 2,
  Number.MIN_SAFE_INTEGER,
  2 ** 31,
  2 ** 31 - 1,
  2 ** 32,
  2 ** 63,
  2 ** 64,
  1e-300,
  Number.EPSILON,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
);

const anyNumber: fc.Arbitrary<number> = fc.oneof(
  weirdNumber,
  fc.double(),
  fc.integer(),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
);

/** Long strings, kept well below the socket's packet limit (one packet may hold several). */
export const hugeString: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 8_000, max: 40_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 2_000, max: 12_000 }).map((n) => 'é€😀'.repeat(n)),
  fc.constant(' '.repeat(30_000)),
);

/** Deep nesting of arrays and objects (up to a thousand levels; deeper in the raw-frame test). */
export const deepNesting: fc.Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 50, max: 1_000 }), fc.boolean(), fc.anything({ maxDepth: 0 }))
  .map(([depth, arrays, leaf]) => {
    let value: unknown = leaf;
    for (let i = 0; i < depth; i++) value = arrays || i % 2 ? [value] : { conversationId: value };
    return value;
  });

/** Any wire-encodable value: functions-free JSON and friends, binary, huge, deep. */
export const randomValue: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.anything({
      withBoxedValues: true,
      withMap: true,
      withSet: true,
      withDate: true,
      withSparseArray: true,
      withObjectString: true,
      withNullPrototype: true,
      withTypedArray: true,
      withUnicodeString: true,
    }),
  },
  { weight: 2, arbitrary: fc.constantFrom(undefined, null, true, false, 0, '', [], {}) },
  { weight: 2, arbitrary: anyNumber },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: deepNesting },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 1, arbitrary: fc.array(fc.anything(), { minLength: 100, maxLength: 2_000 }) },
);

/** A value of the wrong type for any field. */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, '', [], {}, '1', '0', 'true'),
  anyNumber,
  fc.string({ maxLength: 20 }),
  fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
  fc.uint8Array({ maxLength: 8 }),
  deepNesting,
);

export type Field = {
  valid: fc.Arbitrary<unknown>;
  invalid: fc.Arbitrary<unknown>;
  required: boolean;
};

export const required = (valid: fc.Arbitrary<unknown>, invalid: fc.Arbitrary<unknown>): Field => ({
  valid,
  invalid: fc.oneof(invalid, wrongType),
  required: true,
});
export const optional = (valid: fc.Arbitrary<unknown>, invalid: fc.Arbitrary<unknown>): Field => ({
  ...required(valid, invalid),
  required: false,
});
