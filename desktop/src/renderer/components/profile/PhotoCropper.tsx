import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useDialogFocus } from '../useDialogFocus';
import { CROP_ZOOM_MAX, clampCrop, displayScale, sourceSquare, type CropState } from './squareCrop';

const VIEWPORT = 280;
/** The side of the square that is uploaded: enough for the large view, small enough to send fast. */
export const CROPPED_SIZE = 640;

/**
 * Crops a picked image to a square on this device (DESIGN §10): drag to move, the slider or +/- to
 * zoom, arrow keys to nudge. Gives back a CROPPED_SIZE JPEG. Used for profile photos and meant
 * for group photos too.
 */
export function PhotoCropper({
  file,
  title,
  onCancel,
  onDone,
}: {
  file: Blob;
  title: string;
  onCancel: () => void;
  onDone: (photo: { bytes: Uint8Array; mime: string }) => void;
}) {
  const [image, setImage] = useState<{ url: string; width: number; height: number } | null>(null);
  const [failed, setFailed] = useState(false);
  const [crop, setCrop] = useState<CropState>({ zoom: 1, x: 0, y: 0 });
  const [busy, setBusy] = useState(false);
  const drag = useRef<{ x: number; y: number; start: CropState } | null>(null);
  const img = useRef<HTMLImageElement>(null);
  const ref = useRef<HTMLDivElement>(null);
  useDialogFocus(ref, '.crop-area');

  useEffect(() => {
    const url = URL.createObjectURL(file);
    const probe = new Image();
    // A probe of a run that was cleaned up (its URL revoked) must not report a failure.
    let current = true;
    probe.onload = () =>
      current && setImage({ url, width: probe.naturalWidth, height: probe.naturalHeight });
    probe.onerror = () => current && setFailed(true);
    probe.src = url;
    return () => {
      current = false;
      URL.revokeObjectURL(url);
    };
  }, [file]);

  const update = (next: CropState) => {
    if (image !== null) setCrop(clampCrop(next, image.width, image.height, VIEWPORT));
  };
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { x: event.clientX, y: event.clientY, start: crop };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const from = drag.current;
    if (from === null) return;
    update({
      ...from.start,
      x: from.start.x + event.clientX - from.x,
      y: from.start.y + event.clientY - from.y,
    });
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = 10;
    const moves: Record<string, Partial<CropState>> = {
      ArrowLeft: { x: crop.x - step },
      ArrowRight: { x: crop.x + step },
      ArrowUp: { y: crop.y - step },
      ArrowDown: { y: crop.y + step },
      '+': { zoom: crop.zoom + 0.25 },
      '=': { zoom: crop.zoom + 0.25 },
      '-': { zoom: crop.zoom - 0.25 },
    };
    const move = moves[event.key];
    if (move === undefined) return;
    event.preventDefault();
    update({ ...crop, ...move });
  };
  const save = async () => {
    const source = img.current;
    if (image === null || source === null) return;
    setBusy(true);
    const square = sourceSquare(crop, image.width, image.height, VIEWPORT);
    const canvas = document.createElement('canvas');
    canvas.width = CROPPED_SIZE;
    canvas.height = CROPPED_SIZE;
    const context = canvas.getContext('2d');
    if (context === null) return;
    context.drawImage(
      source,
      square.x,
      square.y,
      square.size,
      square.size,
      0,
      0,
      CROPPED_SIZE,
      CROPPED_SIZE,
    );
    const blob = await new Promise<Blob | null>((resolve) =>
      canvas.toBlob(resolve, 'image/jpeg', 0.9),
    );
    setBusy(false);
    if (blob === null) {
      setFailed(true);
      return;
    }
    onDone({ bytes: new Uint8Array(await blob.arrayBuffer()), mime: 'image/jpeg' });
  };

  const scale = image === null ? 1 : displayScale(image.width, image.height, VIEWPORT, crop.zoom);
  // In place, not portalled: it opens from inside a modal sheet, whose content it must stay part of
  // (outside the topmost modal, assistive technology would not reach it).
  return (
    <div
      className="dialog-backdrop"
      onMouseDown={(e) => e.target === e.currentTarget && onCancel()}
    >
      <div
        className="small-dialog crop-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="crop-title"
        ref={ref}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            onCancel();
          }
        }}
      >
        <h2 id="crop-title">{title}</h2>
        {failed ? (
          <p role="alert">This file is not an image this app can read; pick a JPEG, PNG or WebP.</p>
        ) : (
          <div
            className="crop-area"
            role="img"
            tabIndex={0}
            aria-label="Photo crop: drag or use the arrow keys to move, + and - to zoom"
            style={{ width: VIEWPORT, height: VIEWPORT }}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={() => (drag.current = null)}
            onKeyDown={onKeyDown}
          >
            {image && (
              <img
                ref={img}
                src={image.url}
                alt=""
                draggable={false}
                style={{
                  width: image.width * scale,
                  height: image.height * scale,
                  left: (VIEWPORT - image.width * scale) / 2 + crop.x,
                  top: (VIEWPORT - image.height * scale) / 2 + crop.y,
                }}
              />
            )}
          </div>
        )}
        <label className="setting">
          Zoom
          <input
            type="range"
            min={1}
            max={CROP_ZOOM_MAX}
            step={0.05}
            value={crop.zoom}
            disabled={image === null}
            onChange={(e) => update({ ...crop, zoom: Number(e.target.value) })}
          />
        </label>
        <div className="dialog-actions">
          <button onClick={onCancel}>Cancel</button>
          <button
            className="primary"
            disabled={image === null || failed || busy}
            onClick={() => void save()}
          >
            {busy ? 'Saving…' : 'Set photo'}
          </button>
        </div>
      </div>
    </div>
  );
}
