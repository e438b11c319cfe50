/**
 * The one rule for text that names someone or something (DESIGN §3): display names, group titles
 * and file names. Refused: C0 and C1 control characters, bidirectional embeddings, overrides and
 * isolates (U+202A–U+202E, U+2066–U+2069), and the invisible U+200B (zero width space), U+2060
 * (word joiner) and U+FEFF (byte order mark). "Alice " + U+202E + "tnemyap" would otherwise read as
 * "Alice payment", and an invisible character makes a second "Alice" that is not the first.
 * ZWNJ (U+200C) and ZWJ (U+200D) stay: Persian and Indic names and emoji sequences need them.
 */
const UNSAFE_NAME_CHARACTER =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]/;
const UNSAFE_NAME_CHARACTERS = new RegExp(UNSAFE_NAME_CHARACTER.source, 'g');

/** The message of every refusal by the name rule (shown to people as it is). */
export const UNSAFE_NAME_MESSAGE =
  'names cannot hold control characters, direction overrides or invisible characters';

/** True when `name` holds a character the name rule refuses. */
export const hasUnsafeNameCharacter = (name: string): boolean => UNSAFE_NAME_CHARACTER.test(name);

/**
 * `name` without the characters the name rule refuses: for a client that offers a name it did not
 * choose (a file's name on disk) and would rather send it cleaned than have it refused.
 */
export const withoutUnsafeNameCharacters = (name: string): string =>
  name.replace(UNSAFE_NAME_CHARACTERS, '');
