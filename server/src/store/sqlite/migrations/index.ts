import { migration001 } from './001-accounts';
import { migration002 } from './002-conversations';
import { migration003 } from './003-media';
import { migration004 } from './004-message-media-refs';
import { migration005 } from './005-idempotency-key-order';
import { migration006 } from './006-original-text';
import { migration007 } from './007-relationships';
import { migration008 } from './008-account-state';
import { migration009 } from './009-version-stamps';
import { migration010 } from './010-admins-invites';
import { migration011 } from './011-voice-plays';
import { migration012 } from './012-mute-account-state';
import { migration013 } from './013-two-step';
import { migration014 } from './014-read-receipts';
import { migration015 } from './015-sso';
import { migration016 } from './016-profiles';
import { migration017 } from './017-group-settings';
import { migration018 } from './018-web-push';
import { migration019 } from './019-invite-links';
import { migration020 } from './020-deleted-accounts';
import { migration021 } from './021-group-photos';

/** Numbered migrations; index + 1 is the schema version (`PRAGMA user_version`). Never edit one that shipped. */
export const migrations: readonly string[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
  migration009,
  migration010,
  migration011,
  migration012,
  migration013,
  migration014,
  migration015,
  migration016,
  migration017,
  migration018,
  migration019,
  migration020,
  migration021,
];
