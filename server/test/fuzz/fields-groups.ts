/**
 * The fuzz test's fields of group management (issue #15): descriptions and permissions, each with
 * the ways a client can get it wrong.
 */
import fc from 'fast-check';
import {
  GROUP_DESCRIPTION_MAX_LENGTH,
  INVITE_LINK_CODE_LENGTH,
  INVITE_LINK_EXPIRY_MAX_S,
  hasUnsafeNameCharacter,
} from '@chitchat/shared';
import { badId, unknownId, wrongType } from './values';

export function groupFields() {
  const description = fc
    .oneof(
      fc.string({ maxLength: 60 }),
      fc.string({ unit: 'grapheme', maxLength: 60 }),
      fc.constantFrom(
        '',
        '   ',
        'Weekend hikes.\nBring water.',
        'line\r\nbreaks\rall kinds',
        'd'.repeat(GROUP_DESCRIPTION_MAX_LENGTH),
        `${' '.repeat(GROUP_DESCRIPTION_MAX_LENGTH)}${'d'.repeat(GROUP_DESCRIPTION_MAX_LENGTH)}`,
        'می\u200Cخواهم',
      ),
    )
    .filter(
      (s) =>
        !hasUnsafeNameCharacter(s.replace(/\r\n|\r|\n/g, '')) &&
        s.length <= GROUP_DESCRIPTION_MAX_LENGTH * 2 &&
        s.trim().length <= GROUP_DESCRIPTION_MAX_LENGTH,
    );
  const badDescription = fc.oneof(
    wrongType,
    fc.constantFrom(
      'd'.repeat(GROUP_DESCRIPTION_MAX_LENGTH + 1),
      ' '.repeat(GROUP_DESCRIPTION_MAX_LENGTH * 2 + 1),
      'tab\there',
      'Alice \u202Etnemyap',
      'Te\u200Bam',
      '\uFEFFTeam',
      'lone \ud800',
      null,
    ),
  );
  // Group photos: well-formed ids (no upload exists in the fuzz world, so each is refused) or null.
  const avatar = fc.oneof(fc.constant(null), unknownId);
  const badAvatar = fc.oneof(badId, fc.constantFrom(0, true, {}, [], ['m1']));
  const audience = fc.constantFrom('everyone', 'admins');
  const permissions = fc.record(
    { send: audience, editInfo: audience, approveJoins: fc.boolean() },
    { requiredKeys: [] },
  );
  const badPermissions = fc.oneof(
    wrongType,
    fc.constantFrom(
      { send: 'nobody' },
      { editInfo: 'owner' },
      { approveJoins: 'yes' },
      { send: null },
      { send: ['admins'] },
      [],
    ),
  );
  // Invite link codes: well-formed ones nobody made (not_found), and malformed ones.
  const code = fc.string({
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_'),
    minLength: INVITE_LINK_CODE_LENGTH,
    maxLength: INVITE_LINK_CODE_LENGTH,
  });
  const badCode = fc.oneof(
    wrongType,
    fc.constantFrom('', 'short', 'x'.repeat(INVITE_LINK_CODE_LENGTH + 1), `${'a'.repeat(21)}!`),
    fc.constant(`https://chat.example.org/join/${'a'.repeat(INVITE_LINK_CODE_LENGTH)}`),
  );
  const expiresInS = fc.integer({ min: 60, max: INVITE_LINK_EXPIRY_MAX_S });
  const badExpiresInS = fc.oneof(
    wrongType,
    fc.constantFrom(0, 59, -1, 1.5, INVITE_LINK_EXPIRY_MAX_S + 1, Number.MAX_SAFE_INTEGER),
  );
  return {
    avatar,
    badAvatar,
    description,
    badDescription,
    permissions,
    badPermissions,
    code,
    badCode,
    expiresInS,
    badExpiresInS,
  };
}
