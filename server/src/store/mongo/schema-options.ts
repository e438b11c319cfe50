import { DURABLE_WRITE_CONCERN, MAJORITY_READ_CONCERN } from './durability';

/* Field helpers and collection options shared by every schema file of the Mongo store. */

/** Integers only; null and absent values are left to `required` and `default`. */
export const isInteger = {
  validator: (value: unknown) => value === null || value === undefined || Number.isInteger(value),
  message: '{PATH} must be an integer',
};
export const requiredInt = (min: number) => ({
  type: Number,
  required: true,
  min,
  validate: isInteger,
});
export const nullableInt = (min: number) => ({
  type: Number,
  default: null,
  min,
  validate: isInteger,
});
export const nullableString = { type: String, default: null };

/**
 * Every collection (events, conversations and memberships, from which summaries are read, and the
 * accounts) writes durably and reads only majority-committed data outside transactions, in case a
 * model is ever used on a connection without the store's defaults (index.ts).
 */
export const options = {
  versionKey: false,
  id: false,
  strict: 'throw',
  minimize: false,
  writeConcern: DURABLE_WRITE_CONCERN,
  readConcern: MAJORITY_READ_CONCERN,
} as const;
