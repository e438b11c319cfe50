import type { LinkPreviewView } from '../../../common/contract';
import type { AppStore } from '../../state/store';
import { useMediaUrl } from '../Media';
import { LinkPreviewText } from './LinkPreviewText';

/**
 * A message's link preview as the sender's device made it: image, title, description, host.
 * Nothing is fetched from the link itself; the image is media of the message. Clicking opens the
 * link in the system browser (main lets only http(s) through).
 */
export function LinkPreviewCard({ store, preview }: { store: AppStore; preview: LinkPreviewView }) {
  const image = useMediaUrl(store, preview.image?.id ?? null, 'original');
  return (
    <button
      type="button"
      className="link-preview"
      onClick={() => window.chitchatShell?.openExternal(preview.url)}
    >
      {/* The name is the visible content, said to be a link preview first. */}
      <span className="visually-hidden">Link preview: </span>
      {preview.image !== null && image.url !== null && (
        <img className="link-preview-image" src={image.url} alt="" />
      )}
      <LinkPreviewText
        title={preview.title}
        description={preview.description}
        host={preview.host}
      />
    </button>
  );
}
