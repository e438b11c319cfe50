import { useRef, type KeyboardEvent, type PointerEvent } from 'react';
import { voiceDuration } from '../../../common/voice';

/** Arrow keys move this far; PageUp / PageDown five times as far. */
const STEP_MS = 1000;

/**
 * A voice note's waveform as its progress scrubber: the part already played is drawn in the
 * accent colour; a click or a drag seeks there, and so do the arrow keys, PageUp / PageDown, Home
 * and End (a `slider` for assistive technology).
 */
export function VoiceWaveform({
  waveform,
  positionMs,
  durationMs,
  onSeek,
}: {
  waveform: readonly number[];
  positionMs: number;
  durationMs: number;
  onSeek: (ms: number) => void;
}) {
  const dragging = useRef(false);
  const fraction = durationMs > 0 ? Math.min(1, positionMs / durationMs) : 0;

  function seekAt(event: PointerEvent<HTMLDivElement>) {
    const box = event.currentTarget.getBoundingClientRect();
    const at = box.width > 0 ? (event.clientX - box.left) / box.width : 0;
    onSeek(Math.min(1, Math.max(0, at)) * durationMs);
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const to = {
      ArrowRight: positionMs + STEP_MS,
      ArrowUp: positionMs + STEP_MS,
      ArrowLeft: positionMs - STEP_MS,
      ArrowDown: positionMs - STEP_MS,
      PageUp: positionMs + 5 * STEP_MS,
      PageDown: positionMs - 5 * STEP_MS,
      Home: 0,
      End: durationMs,
    }[event.key];
    if (to === undefined) return;
    // The history uses the arrow keys to move between messages: not while seeking here.
    event.preventDefault();
    event.stopPropagation();
    onSeek(Math.min(durationMs, Math.max(0, to)));
  }

  return (
    <div
      className="voice-wave"
      role="slider"
      tabIndex={0}
      aria-label="Voice message position"
      aria-valuemin={0}
      aria-valuemax={Math.round(durationMs / 1000)}
      aria-valuenow={Math.floor(positionMs / 1000)}
      aria-valuetext={`${voiceDuration(Math.floor(positionMs / 1000) * 1000)} of ${voiceDuration(durationMs)}`}
      onPointerDown={(event) => {
        if (event.button !== 0) return;
        dragging.current = true;
        event.currentTarget.setPointerCapture(event.pointerId);
        seekAt(event);
      }}
      onPointerMove={(event) => dragging.current && seekAt(event)}
      onPointerUp={() => (dragging.current = false)}
      onPointerCancel={() => (dragging.current = false)}
      onKeyDown={onKeyDown}
    >
      {waveform.map((peak, i) => (
        <span
          key={i}
          className={(i + 0.5) / waveform.length <= fraction ? 'played' : undefined}
          style={{ height: `${Math.max(10, (peak / 255) * 100)}%` }}
        />
      ))}
    </div>
  );
}
