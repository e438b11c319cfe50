import { useRef } from 'react';
import type { AppStore } from '../../state/store';
import { IconClose } from '../Icons';
import { useMediaUrl } from '../Media';
import { useDialogFocus } from '../useDialogFocus';
import { useEscapeCloses } from '../useEscapeCloses';

/** A profile photo over everything, as large as it was uploaded; Escape or Close returns. */
export function LargePhoto({
  store,
  mediaId,
  name,
  onClose,
}: {
  store: AppStore;
  mediaId: string;
  name: string;
  onClose: () => void;
}) {
  const { url, error } = useMediaUrl(store, mediaId, 'original');
  const ref = useRef<HTMLDivElement>(null);
  useDialogFocus(ref, '.viewer-close');
  useEscapeCloses(onClose);
  // In place, not portalled: it opens from inside a modal sheet, whose content it must stay part of
  // (outside the topmost modal, assistive technology would not reach it).
  return (
    <div
      className="viewer"
      role="dialog"
      aria-modal="true"
      aria-label={`Profile photo of ${name}`}
      ref={ref}
      tabIndex={-1}
    >
      <div className="viewer-bar">
        <span className="viewer-caption">
          <span className="viewer-sender" dir="auto">
            {name}
          </span>
        </span>
        <button className="icon-button viewer-close" aria-label="Close" onClick={onClose}>
          <IconClose />
        </button>
      </div>
      <div className="viewer-stage">
        {url ? (
          <img className="viewer-image" src={url} alt={`Profile photo of ${name}`} />
        ) : (
          <p className="viewer-status">{error ?? 'Loading…'}</p>
        )}
      </div>
    </div>
  );
}
