import type { MuteChoice } from '@chitchat/shared';

/** One way to mute a chat: the value sent, its name in a list of choices, and its menu item. */
export interface MuteOption {
  choice: MuteChoice;
  /** As a choice among the others: "8 hours" (the info panel's radio group). */
  label: string;
  /** As an action on its own: "Mute for 8 hours" (the chat row's menu). */
  action: string;
}

/**
 * The durations a chat can be muted for, as WhatsApp offers them, in one place for the chat row's
 * menu and the info panel, so both always offer the same.
 */
export const MUTE_OPTIONS: readonly MuteOption[] = [
  { choice: '8h', label: '8 hours', action: 'Mute for 8 hours' },
  { choice: '1w', label: '1 week', action: 'Mute for 1 week' },
  { choice: 'always', label: 'Always', action: 'Mute always' },
];
