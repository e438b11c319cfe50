import { useRef, type PointerEvent } from 'react';
import { IconMic, IconSend } from '../Icons';
import type { useVoiceRecorder } from './useVoiceRecorder';
import './voice.css';

/** A press shorter than this is a click: it records in the locked mode instead of while held. */
const HOLD_MS = 350;

/**
 * The composer's microphone, where the send button is while the field is empty. Hold to record
 * and release to send (sliding off the button cancels); a click records locked, and the button
 * then sends. From the keyboard, Enter or Space records locked.
 */
export function VoiceButton({
  recorder,
  onSend,
}: {
  recorder: ReturnType<typeof useVoiceRecorder>;
  onSend: () => void;
}) {
  const { state } = recorder;
  const pressedAt = useRef<number | null>(null);
  /** The click that follows the pointer-up which locked the recording must not send it. */
  const swallowClick = useRef(false);
  const holding = state.phase === 'starting' || (state.phase === 'recording' && !state.locked);
  const sends = (state.phase === 'recording' && state.locked) || state.phase === 'stopped';

  function onPointerDown(event: PointerEvent<HTMLButtonElement>) {
    if (event.button !== 0 || state.phase !== 'idle') return;
    pressedAt.current = performance.now();
    void recorder.start(false);
  }

  function onPointerUp() {
    const at = pressedAt.current;
    pressedAt.current = null;
    if (at === null) return;
    if (performance.now() - at < HOLD_MS) {
      recorder.lock();
      swallowClick.current = true;
    } else {
      swallowClick.current = true;
      onSend();
    }
  }

  function onPointerLeave() {
    // Sliding away while holding cancels, as in WhatsApp.
    if (pressedAt.current === null) return;
    pressedAt.current = null;
    recorder.cancel();
  }

  return (
    <button
      type="button"
      className={`send-button voice-button${holding ? ' recording' : ''}`}
      aria-label={
        sends
          ? 'Send voice message'
          : holding
            ? 'Recording, release to send'
            : 'Record voice message'
      }
      title={sends ? 'Send' : 'Hold to record, or click to record hands-free'}
      onPointerDown={onPointerDown}
      onPointerUp={onPointerUp}
      onPointerLeave={onPointerLeave}
      onPointerCancel={onPointerLeave}
      onContextMenu={(event) => event.preventDefault()}
      onClick={(event) => {
        if (swallowClick.current) {
          swallowClick.current = false;
          return;
        }
        if (sends) onSend();
        // A click from the keyboard (no pointer press): record in the locked mode.
        else if (state.phase === 'idle' && event.detail === 0) void recorder.start(true);
      }}
    >
      {sends ? <IconSend /> : <IconMic />}
    </button>
  );
}
