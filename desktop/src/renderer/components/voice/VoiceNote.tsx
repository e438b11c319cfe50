import { useEffect, useRef, useState } from 'react';
import type { MessageView } from '../../../common/contract';
import { voiceDuration } from '../../../common/voice';
import type { AppStore } from '../../state/store';
import { IconPause, IconPlay } from '../Icons';
import { useMediaUrl } from '../Media';
import { claimPlayback, lastSpeed, nextSpeed, releasePlayback } from './playback';
import { VoicePlayedMark } from './VoicePlayedMark';
import { VoiceWaveform } from './VoiceWaveform';
import './voice.css';

/**
 * A voice note's player in its bubble: play / pause, the waveform as the scrubber, the speed
 * (1× / 1.5× / 2×), elapsed and total time, and the played mark. The recording is fetched on the
 * first play; playing someone else's note marks it played (once; the engine keeps it offline).
 */
export function VoiceNote({
  store,
  message: m,
  voice,
}: {
  store: AppStore;
  message: MessageView;
  voice: NonNullable<MessageView['voice']>;
}) {
  const attachment = m.attachments[0];
  const [requested, setRequested] = useState(false);
  const { url, error } = useMediaUrl(
    store,
    requested && attachment ? attachment.id : null,
    'original',
  );
  const audio = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState(false);
  const [positionMs, setPositionMs] = useState(0);
  const [speed, setSpeed] = useState(lastSpeed);
  /** Play as soon as the recording is here (the first press fetches it). */
  const playWhenReady = useRef(false);
  /** A seek made before the recording could take it. */
  const pendingSeekMs = useRef<number | null>(null);
  const durationMs = voice.durationMs;

  async function play() {
    const el = audio.current;
    if (el === null) return;
    claimPlayback(el);
    el.playbackRate = speed;
    if (positionMs >= durationMs) el.currentTime = 0;
    try {
      await el.play();
    } catch {
      return; // paused again before it started, or the file cannot play: nothing to mark
    }
    if (!m.own && m.seq !== null && m.played?.byMe !== true)
      store.chat
        .markPlayed({ conversationId: m.conversationId, seq: m.seq })
        .catch(() => undefined);
  }

  useEffect(() => {
    if (url !== null && playWhenReady.current) {
      playWhenReady.current = false;
      void play();
    }
    // Only the arrival of the file matters here: a press made before it wanted to play.
  }, [url]);

  // Smooth progress while playing (timeupdate fires only a few times a second).
  useEffect(() => {
    if (!playing) return;
    let frame = 0;
    const tick = () => {
      const el = audio.current;
      if (el !== null) setPositionMs(Math.min(durationMs, el.currentTime * 1000));
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [playing, durationMs]);

  useEffect(() => {
    const el = audio.current;
    return () => {
      if (el !== null) {
        el.pause();
        releasePlayback(el);
      }
    };
  }, []);

  function toggle() {
    if (playing) {
      audio.current?.pause();
    } else if (url === null) {
      playWhenReady.current = true;
      setRequested(true);
    } else {
      void play();
    }
  }

  function seek(ms: number) {
    setPositionMs(ms);
    const el = audio.current;
    if (el !== null && url !== null && el.readyState >= 1) el.currentTime = ms / 1000;
    else pendingSeekMs.current = ms;
  }

  function changeSpeed() {
    const next = nextSpeed(speed);
    setSpeed(next);
    if (audio.current !== null) audio.current.playbackRate = next;
  }

  const started = playing || positionMs > 0;
  return (
    <div className={`voice-note${playing ? ' playing' : ''}`} data-voice-note="">
      <button
        type="button"
        className="voice-play"
        aria-label={playing ? 'Pause voice message' : 'Play voice message'}
        onClick={toggle}
        disabled={attachment === undefined}
      >
        {playing ? <IconPause size={18} /> : <IconPlay size={18} />}
      </button>
      <div className="voice-body">
        <VoiceWaveform
          waveform={voice.waveform}
          positionMs={positionMs}
          durationMs={durationMs}
          onSeek={seek}
        />
        <div className="voice-info">
          <span className="voice-time">
            {started
              ? `${voiceDuration(Math.floor(positionMs / 1000) * 1000)} / ${voiceDuration(durationMs)}`
              : voiceDuration(durationMs)}
          </span>
          {error !== null && (
            <span className="voice-error" role="alert">
              {error}
            </span>
          )}
        </div>
      </div>
      <button
        type="button"
        className="voice-speed"
        aria-label={`Playback speed ${speed}×`}
        title="Playback speed"
        onClick={changeSpeed}
      >
        {speed}×
      </button>
      <VoicePlayedMark message={m} />
      <audio
        ref={audio}
        src={url ?? undefined}
        preload="auto"
        onLoadedMetadata={(event) => {
          const ms = pendingSeekMs.current;
          pendingSeekMs.current = null;
          if (ms !== null) event.currentTarget.currentTime = ms / 1000;
        }}
        onPlay={() => setPlaying(true)}
        onPause={() => setPlaying(false)}
        onEnded={(event) => {
          setPlaying(false);
          setPositionMs(0);
          releasePlayback(event.currentTarget);
        }}
      />
    </div>
  );
}
