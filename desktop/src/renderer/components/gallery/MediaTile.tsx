import { attachmentKindOf, type AttachmentView, type MessageView } from '../../../common/contract';
import { dateTime } from '../../format';
import type { AppStore } from '../../state/store';
import { useMediaUrl } from '../Media';

/** One square of the Media tab: a photo's thumbnail or a video's play mark; opens the viewer. */
export function MediaTile({
  store,
  message,
  attachment: a,
  onOpen,
}: {
  store: AppStore;
  message: MessageView;
  attachment: AttachmentView;
  onOpen: () => void;
}) {
  const photo = attachmentKindOf(a.mime) === 'photo';
  const { url } = useMediaUrl(store, photo ? a.id : null, a.thumbnail ? 'thumbnail' : 'original');
  const when = dateTime(message.createdAt);
  if (!photo) {
    return (
      <button
        className="gallery-tile video"
        data-media-id={a.id}
        aria-label={`Video ${a.name}, ${when}, play`}
        onClick={onOpen}
      >
        <span aria-hidden="true">▶</span>
      </button>
    );
  }
  return (
    <button
      className="gallery-tile"
      data-media-id={a.id}
      aria-label={`Photo ${a.name}, ${when}, open`}
      onClick={onOpen}
    >
      {url ? <img src={url} alt="" /> : <span className="thumb-placeholder" />}
    </button>
  );
}
