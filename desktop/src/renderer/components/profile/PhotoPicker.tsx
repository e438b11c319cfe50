import { useRef, useState } from 'react';
import { errorText } from '../../format';
import { PhotoCropper } from './PhotoCropper';

/**
 * Add, change or remove a square photo: the buttons, the hidden file field and the crop dialog.
 * The profile photo and the group photo both use it; the caller saves what was cropped.
 */
export function PhotoPicker({
  photo,
  className,
  labels,
  onCropped,
  onRemove,
  onError,
}: {
  photo: string | null;
  className: string;
  labels: {
    add: string;
    change: string;
    /** The confirmation asked before removing. */
    removeConfirm: string;
    /** The hidden file field's accessible name. */
    field: string;
    cropTitle: string;
  };
  onCropped: (cropped: { bytes: Uint8Array; mime: string }) => void;
  onRemove: () => void;
  onError: (text: string) => void;
}) {
  const [picked, setPicked] = useState<Blob | null>(null);
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <div className={className}>
        <button onClick={() => input.current?.click()}>
          {photo === null ? labels.add : labels.change}
        </button>
        {photo !== null && (
          <button
            className="danger"
            onClick={() => {
              if (window.confirm(labels.removeConfirm)) onRemove();
            }}
          >
            Remove photo
          </button>
        )}
        <input
          ref={input}
          type="file"
          accept="image/jpeg,image/png,image/webp,image/gif"
          hidden
          aria-label={labels.field}
          onChange={(e) => {
            const field = e.target;
            const file = field.files?.[0];
            if (file === undefined) return;
            // Read now: a picked file can stop being readable once the field is cleared.
            file.arrayBuffer().then(
              (bytes) => {
                field.value = '';
                setPicked(new Blob([bytes], { type: file.type }));
              },
              (err: unknown) => onError(errorText(err)),
            );
          }}
        />
      </div>
      {picked && (
        <PhotoCropper
          file={picked}
          title={labels.cropTitle}
          onCancel={() => setPicked(null)}
          onDone={(cropped) => {
            setPicked(null);
            onCropped(cropped);
          }}
        />
      )}
    </>
  );
}
