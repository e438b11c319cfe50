/**
 * The password hash of an account made by single sign-on (issue #18): not an argon2 hash, so no
 * password ever matches it; such accounts sign in through their provider only (an admin's password
 * reset gives them a password as well).
 */
export const NO_PASSWORD_HASH = '!sso';

export const hasPassword = (user: { passwordHash: string }): boolean =>
  user.passwordHash !== NO_PASSWORD_HASH;
