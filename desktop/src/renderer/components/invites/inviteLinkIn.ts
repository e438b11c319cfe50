import { INVITE_LINK_CODE_LENGTH } from '@chitchat/shared';

const LINK = new RegExp(
  String.raw`\bhttps?://[^\s<>"'\x60]+/join/[A-Za-z0-9_-]{${INVITE_LINK_CODE_LENGTH}}(?![A-Za-z0-9_-])`,
  'i',
);

/** The first group invite link (`…/join/<code>`) in a message's text, or null. */
export function inviteLinkIn(text: string): string | null {
  return LINK.exec(text)?.[0] ?? null;
}
