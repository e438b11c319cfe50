/**
 * One voice note plays at a time, as in WhatsApp: starting one pauses whichever was playing. The
 * chosen speed carries over to the next note played in this window.
 */
let current: HTMLAudioElement | null = null;
let speed = 1;

/** The speeds a note can play at, in the order the speed button cycles through them. */
export const PLAYBACK_SPEEDS = [1, 1.5, 2] as const;

export function claimPlayback(audio: HTMLAudioElement): void {
  if (current !== null && current !== audio) current.pause();
  current = audio;
}

export function releasePlayback(audio: HTMLAudioElement): void {
  if (current === audio) current = null;
}

export const lastSpeed = (): number => speed;

/** The speed after `value` (1× → 1.5× → 2× → 1×), remembered for the next note. */
export function nextSpeed(value: number): number {
  const index = PLAYBACK_SPEEDS.findIndex((s) => s === value);
  speed = PLAYBACK_SPEEDS[(index + 1) % PLAYBACK_SPEEDS.length] ?? 1;
  return speed;
}
