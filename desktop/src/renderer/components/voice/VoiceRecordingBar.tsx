import { useEffect } from 'react';
import { voiceDuration } from '../../../common/voice';
import { IconTrash } from '../Icons';
import type { useVoiceRecorder } from './useVoiceRecorder';
import './voice.css';

/** Bars of the live level meter. */
const METER_BARS = 12;

/**
 * What the composer shows while a voice message is recorded: the running time, a live level meter,
 * and (recording locked) Stop and Discard. Escape discards, whichever the mode.
 */
export function VoiceRecordingBar({ recorder }: { recorder: ReturnType<typeof useVoiceRecorder> }) {
  const { state, elapsedMs, level, cancel, stop } = recorder;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      cancel();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [cancel]);
  const locked = state.phase === 'stopped' || (state.phase === 'recording' && state.locked);
  const live = state.phase === 'recording' || state.phase === 'starting';
  return (
    <div className="voice-recording" role="group" aria-label="Voice message">
      {locked && (
        <button
          type="button"
          className="icon-button"
          aria-label="Discard voice message"
          title="Discard (Escape)"
          onClick={cancel}
        >
          <IconTrash />
        </button>
      )}
      <span className={`voice-dot${live ? ' live' : ''}`} aria-hidden="true" />
      <span className="voice-timer" role="timer" aria-label="Recording time">
        {voiceDuration(Math.floor(elapsedMs / 1000) * 1000)}
      </span>
      <span className="voice-meter" aria-hidden="true">
        {Array.from({ length: METER_BARS }, (_, i) => (
          <span key={i} className={i < Math.round(level * METER_BARS) ? 'on' : ''} />
        ))}
      </span>
      <span className="voice-hint muted">
        {state.phase === 'stopped'
          ? 'Recorded — send or discard'
          : locked
            ? 'Recording'
            : 'Release to send · slide away or Escape to cancel'}
      </span>
      {state.phase === 'recording' && state.locked && (
        <button
          type="button"
          className="icon-button voice-stop"
          aria-label="Stop recording"
          title="Stop"
          onClick={stop}
        >
          <span className="voice-stop-square" aria-hidden="true" />
        </button>
      )}
    </div>
  );
}
