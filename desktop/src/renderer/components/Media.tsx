import { useContext, useEffect, useState } from 'react';
import {
  attachmentKindOf,
  type AttachmentView,
  type MessageView,
  type OutgoingFile,
} from '../../common/contract';
import { errorText, fileSize } from '../format';
import { useAppState, type AppStore } from '../state/store';
import { GalleryContext, photosOf } from './gallery';
import { PhotoViewer } from './PhotoViewer';

/** Object URLs of fetched media, shared by every bubble (and avatar) that shows the same file. */
const urlCache = new Map<string, Promise<string>>();

export function mediaUrl(
  store: AppStore,
  mediaId: string,
  variant: 'original' | 'thumbnail',
  /** The invite link a group photo is shown through, before joining (the join preview). */
  invite?: string,
): Promise<string> {
  const key = `${mediaId}:${variant}`;
  let url = urlCache.get(key);
  if (url === undefined) {
    url = store.chat
      .getMedia({ mediaId, variant, ...(invite === undefined ? {} : { invite }) })
      .then((media) =>
        URL.createObjectURL(
          new Blob([media.bytes as Uint8Array<ArrayBuffer>], { type: media.mime }),
        ),
      );
    url.catch(() => urlCache.delete(key));
    urlCache.set(key, url);
  }
  return url;
}

export function useMediaUrl(
  store: AppStore,
  mediaId: string | null,
  variant: 'original' | 'thumbnail',
) {
  const [state, setState] = useState<{ url: string | null; error: string | null }>({
    url: null,
    error: null,
  });
  useEffect(() => {
    if (mediaId === null) return;
    let cancelled = false;
    mediaUrl(store, mediaId, variant).then(
      (url) => !cancelled && setState({ url, error: null }),
      (error: unknown) => !cancelled && setState({ url: null, error: errorText(error) }),
    );
    return () => {
      cancelled = true;
    };
  }, [store, mediaId, variant]);
  return state;
}

export async function save(store: AppStore, attachment: AttachmentView) {
  const url = await mediaUrl(store, attachment.id, 'original');
  const link = document.createElement('a');
  link.href = url;
  link.download = attachment.name;
  link.click();
}

/** The files of a message: photos and videos inline, other files as chips. */
export function Attachments({ store, message }: { store: AppStore; message: MessageView }) {
  const [viewing, setViewing] = useState<AttachmentView | null>(null);
  const gallery = useContext(GalleryContext);
  const upload = useAppState(store, (s) => s.uploads[message.key]);
  if (message.attachments.length === 0) return null;
  const pending = message.status === 'pending' || message.status === 'failed';
  return (
    <div className="attachments">
      {message.attachments.map((a) => {
        const kind = attachmentKindOf(a.mime);
        if (kind === 'photo') {
          return (
            <button
              key={a.id}
              className="photo"
              data-media-id={a.id}
              aria-label={`Photo ${a.name}, open`}
              onClick={() => setViewing(a)}
            >
              <Thumbnail store={store} attachment={a} />
              {pending && <ProgressRing progress={upload ? upload.sent / upload.total : 0} />}
            </button>
          );
        }
        if (kind === 'video' || kind === 'audio')
          return <Playable key={a.id} store={store} attachment={a} />;
        return (
          <div key={a.id} className="file-chip">
            <span className="file-icon" aria-hidden="true">
              {a.name.split('.').pop()?.slice(0, 4).toUpperCase() ?? 'FILE'}
            </span>
            <span className="file-text">
              <span className="file-name">{a.name}</span>
              <span className="muted">{fileSize(a.size)}</span>
            </span>
            {pending ? (
              <ProgressRing progress={upload ? upload.sent / upload.total : 0} />
            ) : (
              <>
                <button
                  onClick={() =>
                    void mediaUrl(store, a.id, 'original').then((url) => window.open(url, '_blank'))
                  }
                >
                  Open
                </button>
                <button onClick={() => void save(store, a)}>Save</button>
              </>
            )}
          </div>
        );
      })}
      {viewing && (
        <PhotoViewer
          store={store}
          photos={photosOf(gallery.length > 0 ? gallery : [message])}
          start={{ messageKey: message.key, attachmentId: viewing.id }}
          onClose={() => setViewing(null)}
        />
      )}
    </div>
  );
}

function Thumbnail({ store, attachment: a }: { store: AppStore; attachment: AttachmentView }) {
  // Pending files show their own bytes; sent ones the server's small thumbnail.
  const variant = a.thumbnail ? 'thumbnail' : 'original';
  const { url, error } = useMediaUrl(store, a.id, variant);
  const ratio = a.width && a.height ? a.width / a.height : 4 / 3;
  const width = Math.min(300, ratio >= 1 ? 300 : 300 * ratio);
  return (
    <span className="thumb" style={{ width, aspectRatio: String(ratio) }}>
      {url ? (
        <img src={url} alt={a.name} />
      ) : (
        <span className="thumb-placeholder">{error ?? ''}</span>
      )}
    </span>
  );
}

function Playable({ store, attachment: a }: { store: AppStore; attachment: AttachmentView }) {
  const [load, setLoad] = useState(false);
  const { url, error } = useMediaUrl(store, load ? a.id : null, 'original');
  const kind = attachmentKindOf(a.mime);
  if (url) {
    return kind === 'video' ? (
      <video className="video" src={url} controls autoPlay aria-label={a.name} />
    ) : (
      <audio src={url} controls autoPlay aria-label={a.name} />
    );
  }
  return (
    <button className="file-chip playable" onClick={() => setLoad(true)}>
      <span className="file-icon" aria-hidden="true">
        ▶
      </span>
      <span className="file-text">
        {/* The name is what the button says (axe: the label holds the visible text). */}
        <span className="file-name">
          <span className="visually-hidden">Play </span>
          {a.name}
        </span>
        <span className="muted">
          {error ?? `${kind === 'video' ? 'Video' : 'Audio'} · ${fileSize(a.size)}`}
        </span>
      </span>
    </button>
  );
}

function ProgressRing({ progress }: { progress: number }) {
  const r = 16;
  const c = 2 * Math.PI * r;
  return (
    <span
      className="progress-ring"
      role="progressbar"
      aria-label="Uploading"
      aria-valuenow={Math.round(progress * 100)}
      aria-valuemin={0}
      aria-valuemax={100}
    >
      <svg width="40" height="40" viewBox="0 0 40 40" aria-hidden="true">
        <circle cx="20" cy="20" r={r} fill="rgba(0,0,0,0.45)" />
        <circle
          cx="20"
          cy="20"
          r={r}
          fill="none"
          stroke="#fff"
          strokeWidth="3"
          strokeDasharray={c}
          strokeDashoffset={c * (1 - progress)}
          transform="rotate(-90 20 20)"
        />
      </svg>
    </span>
  );
}

/** Reads picked, dropped or pasted files into bytes the engine can keep in its outbox. */
export async function readFiles(list: FileList | File[]): Promise<OutgoingFile[]> {
  return Promise.all(
    Array.from(list).map(async (file) => ({
      name: file.name || 'pasted-image.png',
      mime: file.type || 'application/octet-stream',
      bytes: new Uint8Array(await file.arrayBuffer()),
    })),
  );
}

/** The sheet between picking files and sending them: a preview and a caption. */
export function SendFilesSheet({
  files,
  onSend,
  onCancel,
}: {
  files: OutgoingFile[];
  onSend: (caption: string) => void;
  onCancel: () => void;
}) {
  const [caption, setCaption] = useState('');
  const [previews, setPreviews] = useState<(string | null)[]>([]);
  useEffect(() => {
    const urls = files.map((f) =>
      f.mime.startsWith('image/')
        ? URL.createObjectURL(new Blob([f.bytes as Uint8Array<ArrayBuffer>], { type: f.mime }))
        : null,
    );
    setPreviews(urls);
    return () => urls.forEach((u) => u && URL.revokeObjectURL(u));
  }, [files]);
  return (
    <div className="send-sheet" role="dialog" aria-modal="true" aria-label="Send files">
      <div className="send-sheet-files">
        {files.map((f, i) => (
          <figure key={i} className="send-sheet-file">
            {previews[i] ? (
              <img src={previews[i] ?? ''} alt={f.name} />
            ) : (
              <span className="file-icon big">{f.name.split('.').pop()?.toUpperCase()}</span>
            )}
            <figcaption>
              {f.name} · {fileSize(f.bytes.byteLength)}
            </figcaption>
          </figure>
        ))}
      </div>
      <form
        className="send-sheet-bar"
        onSubmit={(e) => {
          e.preventDefault();
          onSend(caption);
        }}
      >
        <input
          autoFocus
          placeholder="Add a caption"
          aria-label="Caption"
          value={caption}
          onChange={(e) => setCaption(e.target.value)}
        />
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button className="primary" type="submit">
          Send
        </button>
      </form>
    </div>
  );
}
