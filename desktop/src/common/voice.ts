/** A voice note's length as messengers show it: "0:12", "3:05", "1:02:09". */
export function voiceDuration(durationMs: number): string {
  const total = Math.max(0, Math.round(durationMs / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0
    ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}`
    : `${minutes}:${seconds}`;
}

/** The one-line preview of a voice note (chat list, notifications): "🎤 Voice message (0:12)". */
export const voiceMessageLabel = (durationMs: number): string =>
  `🎤 Voice message (${voiceDuration(durationMs)})`;
