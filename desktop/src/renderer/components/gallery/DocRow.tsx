import type { AttachmentView, MessageView } from '../../../common/contract';
import { fileSize, listTime } from '../../format';
import type { AppStore } from '../../state/store';
import { mediaUrl, save } from '../Media';

/** What a document is, from its name's extension ("PDF"), else its MIME subtype. */
const typeOf = (a: AttachmentView) => {
  const extension = a.name.includes('.') ? a.name.split('.').pop() : undefined;
  return (extension ?? a.mime.split('/').pop() ?? 'file').slice(0, 5).toUpperCase();
};

/** One document of the Docs tab: name, size, type and date; Open and Save as the chat offers. */
export function DocRow({
  store,
  message,
  attachment: a,
}: {
  store: AppStore;
  message: MessageView;
  attachment: AttachmentView;
}) {
  return (
    <div className="file-chip gallery-doc">
      <span className="file-icon" aria-hidden="true">
        {typeOf(a).slice(0, 4)}
      </span>
      <span className="file-text">
        <span className="file-name" dir="auto">
          {a.name}
        </span>
        <span className="muted">
          {fileSize(a.size)} · {typeOf(a)} · {listTime(message.createdAt)}
        </span>
      </span>
      <button
        aria-label={`Open ${a.name}`}
        onClick={() =>
          void mediaUrl(store, a.id, 'original').then((url) => window.open(url, '_blank'))
        }
      >
        Open
      </button>
      <button aria-label={`Save ${a.name}`} onClick={() => void save(store, a)}>
        Save
      </button>
    </div>
  );
}
