import { useEffect, useRef, useState } from 'react';
import { attachmentKindOf } from '../../common/contract';
import { dateTime } from '../format';
import type { AppStore } from '../state/store';
import type { GalleryPhoto } from './gallery';
import { IconBack, IconClose } from './Icons';
import { save, useMediaUrl } from './Media';
import { useDialogFocus } from './useDialogFocus';
import { ViewerVideo } from './ViewerVideo';

const kindName = (item: GalleryPhoto | undefined) =>
  item !== undefined && attachmentKindOf(item.attachment.mime) === 'video' ? 'video' : 'photo';

/**
 * A photo or a video over everything, on an opaque backdrop: who sent it and when, previous/next
 * through the chat's photos (and videos, from the gallery) with buttons or Left/Right, zoom for a
 * photo (button, +/-, or a click on it), play/pause for a video, Save, and Escape to close. The
 * list may change while it is open (the gallery is live): it stays on the item shown, or on its
 * place when that item was deleted.
 */
export function PhotoViewer({
  store,
  photos,
  start,
  onClose,
}: {
  store: AppStore;
  photos: GalleryPhoto[];
  start: { messageKey: string; attachmentId: string };
  onClose: () => void;
}) {
  const [current, setCurrent] = useState(start);
  const found = photos.findIndex(
    (p) => p.message.key === current.messageKey && p.attachment.id === current.attachmentId,
  );
  // The item shown was deleted: its neighbour takes its place.
  const place = useRef(0);
  const index = found >= 0 ? found : Math.min(place.current, photos.length - 1);
  place.current = Math.max(0, index);
  const [zoomed, setZoomed] = useState(false);
  const photo = photos[index];
  const { url, error } = useMediaUrl(store, photo?.attachment.id ?? null, 'original');
  const dialog = useRef<HTMLDivElement>(null);
  // The photo's button in the chat, found again on close (the list may have redrawn it).
  const shown = useRef(start.attachmentId);
  shown.current = photo?.attachment.id ?? start.attachmentId;
  useDialogFocus(dialog, '.viewer-close', () =>
    document.querySelector<HTMLElement>(`[data-media-id="${CSS.escape(shown.current)}"]`),
  );
  const go = (step: number) => {
    const next = photos[index + step];
    if (next === undefined) return;
    setCurrent({ messageKey: next.message.key, attachmentId: next.attachment.id });
    setZoomed(false);
  };
  // Everything it could show was deleted.
  const empty = photos.length === 0;
  useEffect(() => {
    if (empty) onClose();
  }, [empty, onClose]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
      else if (event.key === 'ArrowLeft') go(-1);
      else if (event.key === 'ArrowRight') go(1);
      else if (event.key === '+' || event.key === '=') setZoomed(true);
      else if (event.key === '-') setZoomed(false);
      else return;
      event.preventDefault();
      event.stopPropagation();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
  if (photo === undefined) return null;
  const { attachment, message } = photo;
  const video = kindName(photo) === 'video';
  return (
    <div
      className="viewer"
      role="dialog"
      aria-modal="true"
      aria-label={`${video ? 'Video' : 'Photo'} ${attachment.name}`}
      ref={dialog}
      tabIndex={-1}
    >
      <div className="viewer-bar">
        <span className="viewer-caption">
          <span className="viewer-sender">{message.own ? 'You' : message.senderName}</span>
          <span className="viewer-time">{dateTime(message.createdAt)}</span>
        </span>
        <span className="viewer-count" aria-live="polite">
          {index + 1} of {photos.length}
        </span>
        {!video && (
          <button aria-pressed={zoomed} onClick={() => setZoomed(!zoomed)}>
            {zoomed ? 'Zoom out' : 'Zoom in'}
          </button>
        )}
        <button onClick={() => void save(store, attachment)}>Save</button>
        <button className="icon-button viewer-close" aria-label="Close" onClick={onClose}>
          <IconClose />
        </button>
      </div>
      <div className={`viewer-stage${zoomed ? ' zoomed' : ''}`}>
        {url && video ? (
          <ViewerVideo key={attachment.id} url={url} attachment={attachment} />
        ) : url ? (
          <img
            className="viewer-image"
            src={url}
            alt={attachment.name}
            onClick={() => setZoomed(!zoomed)}
          />
        ) : (
          <p className="viewer-status">{error ?? 'Loading…'}</p>
        )}
      </div>
      <button
        className="viewer-nav previous"
        aria-label={`Previous ${kindName(photos[index - 1] ?? photo)}`}
        disabled={index === 0}
        onClick={() => go(-1)}
      >
        <IconBack size={28} />
      </button>
      <button
        className="viewer-nav next"
        aria-label={`Next ${kindName(photos[index + 1] ?? photo)}`}
        disabled={index === photos.length - 1}
        onClick={() => go(1)}
      >
        <IconBack size={28} />
      </button>
    </div>
  );
}
