/**
 * The fuzz test's fields of group management (issue #15): descriptions and permissions, each with
 * the ways a client can get it wrong.
 */
import fc from 'fast-check';
import { GROUP_DESCRIPTION_MAX_LENGTH, hasUnsafeNameCharacter } from '@chitchat/shared';
import { wrongType } from './values';

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
  return { description, badDescription, permissions, badPermissions };
}
