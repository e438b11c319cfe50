import { useEffect, useRef, useState } from 'react';
import type { AttachmentView } from '../../common/contract';
import './viewer-video.css';

/**
 * A video on the viewer's stage, playing as it opens (the click that opened it allows that), with
 * a Play/Pause button beside the native controls and Space or K to toggle, as players do.
 */
export function ViewerVideo({ url, attachment }: { url: string; attachment: AttachmentView }) {
  const video = useRef<HTMLVideoElement>(null);
  const [playing, setPlaying] = useState(false);
  const toggle = () => {
    const node = video.current;
    if (node === null) return;
    if (node.paused) void node.play().catch(() => setPlaying(false));
    else node.pause();
  };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== ' ' && event.key !== 'k') return;
      // Space on a focused button presses that button instead.
      if (event.key === ' ' && event.target instanceof HTMLButtonElement) return;
      event.preventDefault();
      toggle();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
  return (
    <div className="viewer-video">
      <video
        ref={video}
        className="viewer-image"
        src={url}
        controls
        autoPlay
        aria-label={attachment.name}
        onPlay={() => setPlaying(true)}
        onPause={() => setPlaying(false)}
        onEnded={() => setPlaying(false)}
      />
      <button className="viewer-play" onClick={toggle}>
        {playing ? 'Pause' : 'Play'}
      </button>
    </div>
  );
}
