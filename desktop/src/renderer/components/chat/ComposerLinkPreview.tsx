import { useEffect, useState } from 'react';
import type { LinkPreviewDraft } from '../../../common/contract';
import { IconClose } from '../Icons';
import { LinkPreviewText } from './LinkPreviewText';

/** The preview that will go with the message, above the composer, with a button to remove it. */
export function ComposerLinkPreview({
  preview,
  onRemove,
}: {
  preview: LinkPreviewDraft;
  onRemove: () => void;
}) {
  const [imageUrl, setImageUrl] = useState<string | null>(null);
  useEffect(() => {
    const image = preview.image;
    if (image === null) {
      setImageUrl(null);
      return;
    }
    const url = URL.createObjectURL(
      new Blob([image.bytes as Uint8Array<ArrayBuffer>], { type: image.mime }),
    );
    setImageUrl(url);
    return () => URL.revokeObjectURL(url);
  }, [preview]);
  let host = '';
  try {
    host = new URL(preview.url).hostname;
  } catch {
    // The engine only previews valid links; nothing to show otherwise.
  }
  return (
    <div className="composer-link-preview" role="group" aria-label="Link preview">
      {imageUrl !== null && <img className="link-preview-image" src={imageUrl} alt="" />}
      <LinkPreviewText title={preview.title} description={preview.description} host={host} />
      <button
        type="button"
        className="icon-button small"
        aria-label="Remove link preview"
        title="Remove preview"
        onClick={onRemove}
      >
        <IconClose size={16} />
      </button>
    </div>
  );
}
