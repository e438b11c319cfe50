import { useCallback, useEffect, useRef, useState } from 'react';
import { VOICE_DURATION_MAX_MS } from '@chitchat/shared';

/** Opus first (WebM as Chromium and Electron record it, then Ogg), else what the browser has. */
const RECORDING_TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm'];

export type RecorderState =
  | { phase: 'idle' }
  | { phase: 'starting' }
  /** `locked`: recording on its own (a click), rather than while the button is held. */
  | { phase: 'recording'; locked: boolean }
  /** Stopped in the locked mode: the recording waits to be sent or discarded. */
  | { phase: 'stopped' };

/** A finished recording: its bytes and what the recorder saw while it ran. */
export interface Recording {
  bytes: Uint8Array;
  mime: string;
  elapsedMs: number;
  /** Peak levels sampled while recording (a stand-in waveform if decoding fails). */
  levels: number[];
}

interface Session {
  stream: MediaStream;
  recorder: MediaRecorder;
  chunks: Blob[];
  audio: AudioContext;
  frame: number;
  startedAt: number;
  stoppedAt: number | null;
  levels: number[];
  done: Promise<void>;
}

/** What a person can act on when the microphone cannot be used. */
function microphoneError(error: unknown): string {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return 'Microphone access was denied. Allow chitchat to use the microphone in your system settings to record voice messages.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return 'No microphone was found. Connect one to record voice messages.';
  if (name === 'NotReadableError')
    return 'The microphone is in use by another app or could not be started.';
  return 'Voice messages cannot be recorded here.';
}

/**
 * The composer's recorder: MediaRecorder with Opus, a live level (for the meter) and the running
 * time, which stops by itself at VOICE_DURATION_MAX_MS. Everything is released on cancel, on
 * finish and when the composer goes away.
 */
export function useVoiceRecorder() {
  const [state, setState] = useState<RecorderState>({ phase: 'idle' });
  const [elapsedMs, setElapsedMs] = useState(0);
  const [level, setLevel] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const session = useRef<Session | null>(null);
  /** A start that was cancelled while the microphone was still being opened. */
  const abandoned = useRef(false);
  /** Locked before the microphone opened (a quick click): recording starts locked. */
  const lockRequested = useRef(false);

  const release = useCallback((s: Session) => {
    cancelAnimationFrame(s.frame);
    for (const track of s.stream.getTracks()) track.stop();
    void s.audio.close().catch(() => undefined);
  }, []);

  const stopRecorder = useCallback((s: Session) => {
    if (s.stoppedAt === null) s.stoppedAt = performance.now();
    cancelAnimationFrame(s.frame);
    if (s.recorder.state !== 'inactive') s.recorder.stop();
  }, []);

  const start = useCallback(
    async (locked: boolean) => {
      if (session.current !== null) return;
      setError(null);
      abandoned.current = false;
      lockRequested.current = locked;
      if (typeof MediaRecorder === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
        setError('Voice messages cannot be recorded here.');
        return;
      }
      setState({ phase: 'starting' });
      let stream: MediaStream;
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      } catch (e) {
        setState({ phase: 'idle' });
        setError(microphoneError(e));
        return;
      }
      if (abandoned.current) {
        for (const track of stream.getTracks()) track.stop();
        setState({ phase: 'idle' });
        return;
      }
      const mimeType = RECORDING_TYPES.find((t) => MediaRecorder.isTypeSupported(t));
      const recorder = new MediaRecorder(stream, mimeType ? { mimeType } : {});
      const audio = new AudioContext();
      // Created after the microphone opened (an await after the press): it may start suspended.
      void audio.resume().catch(() => undefined);
      const analyser = audio.createAnalyser();
      analyser.fftSize = 1024;
      audio.createMediaStreamSource(stream).connect(analyser);
      const samples = new Float32Array(analyser.fftSize);
      const chunks: Blob[] = [];
      recorder.ondataavailable = (event) => {
        if (event.data.size > 0) chunks.push(event.data);
      };
      const done = new Promise<void>((resolve) => {
        recorder.onstop = () => resolve();
      });
      const s: Session = {
        stream,
        recorder,
        chunks,
        audio,
        frame: 0,
        startedAt: performance.now(),
        stoppedAt: null,
        levels: [],
        done,
      };
      session.current = s;
      const tick = () => {
        analyser.getFloatTimeDomainData(samples);
        let peak = 0;
        for (const v of samples) peak = Math.max(peak, Math.abs(v));
        s.levels.push(peak);
        setLevel(Math.min(1, peak * 1.5));
        const elapsed = performance.now() - s.startedAt;
        setElapsedMs(elapsed);
        if (elapsed >= VOICE_DURATION_MAX_MS) {
          // The longest note a message may carry: stop here and let the person send it.
          stopRecorder(s);
          setState({ phase: 'stopped' });
          return;
        }
        s.frame = requestAnimationFrame(tick);
      };
      recorder.start(250);
      setElapsedMs(0);
      s.frame = requestAnimationFrame(tick);
      setState({ phase: 'recording', locked: lockRequested.current });
    },
    [stopRecorder],
  );

  /** Switches a held recording to the locked mode (the button was clicked, not held). */
  const lock = useCallback(() => {
    lockRequested.current = true;
    setState((current) =>
      current.phase === 'recording' ? { phase: 'recording', locked: true } : current,
    );
  }, []);

  /** Stops recording but keeps it, to send or discard (the locked mode's Stop). */
  const stop = useCallback(() => {
    const s = session.current;
    if (s === null) return;
    stopRecorder(s);
    setLevel(0);
    setState({ phase: 'stopped' });
  }, [stopRecorder]);

  const cancel = useCallback(() => {
    abandoned.current = true;
    const s = session.current;
    session.current = null;
    if (s !== null) {
      stopRecorder(s);
      release(s);
    }
    setLevel(0);
    setElapsedMs(0);
    setState({ phase: 'idle' });
  }, [release, stopRecorder]);

  /** Ends the recording and hands it over; null when there is none (or nothing was recorded). */
  const finish = useCallback(async (): Promise<Recording | null> => {
    const s = session.current;
    if (s === null) return null;
    session.current = null;
    stopRecorder(s);
    await s.done;
    release(s);
    setLevel(0);
    setElapsedMs(0);
    setState({ phase: 'idle' });
    const blob = new Blob(s.chunks, { type: s.recorder.mimeType || 'audio/webm' });
    if (blob.size === 0) return null;
    return {
      bytes: new Uint8Array(await blob.arrayBuffer()),
      mime: blob.type,
      elapsedMs: (s.stoppedAt ?? performance.now()) - s.startedAt,
      levels: s.levels,
    };
  }, [release, stopRecorder]);

  // Leaving the chat (or closing the window) mid-recording discards it and frees the microphone.
  useEffect(
    () => () => {
      abandoned.current = true;
      const s = session.current;
      session.current = null;
      if (s !== null) {
        if (s.recorder.state !== 'inactive') s.recorder.stop();
        release(s);
      }
    },
    [release],
  );

  return { state, elapsedMs, level, error, setError, start, lock, stop, cancel, finish };
}
