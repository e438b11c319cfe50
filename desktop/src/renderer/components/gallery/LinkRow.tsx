import { firstLinkIn } from '../../../common/links';
import type { MessageView } from '../../../common/contract';
import { listTime } from '../../format';
import type { AppStore } from '../../state/store';
import { LinkPreviewCard } from '../chat/LinkPreviewCard';

/** One message of the Links tab: its preview when the sender made one, else the link; who, when. */
export function LinkRow({ store, message }: { store: AppStore; message: MessageView }) {
  const url = message.linkPreview?.url ?? firstLinkIn(message.text ?? '');
  return (
    <article className="gallery-link" aria-label={`Link from ${senderOf(message)}`}>
      {message.linkPreview !== null ? (
        <LinkPreviewCard store={store} preview={message.linkPreview} />
      ) : url !== null ? (
        <button
          type="button"
          className="link gallery-link-url"
          onClick={() => window.chitchatShell?.openExternal(url)}
        >
          {url}
        </button>
      ) : (
        <p className="gallery-link-url" dir="auto">
          {message.text}
        </p>
      )}
      <p className="gallery-meta muted">
        <span dir="auto">{senderOf(message)}</span> ·{' '}
        <time dateTime={new Date(message.createdAt).toISOString()}>
          {listTime(message.createdAt)}
        </time>
      </p>
    </article>
  );
}

const senderOf = (message: MessageView) => (message.own ? 'You' : message.senderName);
