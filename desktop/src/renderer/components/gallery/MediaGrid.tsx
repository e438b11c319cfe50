import { useState } from 'react';
import { attachmentKindOf } from '../../../common/contract';
import type { AppStore } from '../../state/store';
import { photosOf } from '../gallery';
import { PhotoViewer } from '../PhotoViewer';
import { EndOfList } from './EndOfList';
import { MediaTile } from './MediaTile';
import { monthGroups } from './monthGroups';
import type { ChatMediaState } from './useChatMedia';
import './gallery.css';

/** The Media tab: photos and videos as square thumbnails by month, newest first. */
export function MediaGrid({ store, state }: { store: AppStore; state: ChatMediaState }) {
  const [viewing, setViewing] = useState<{ messageKey: string; attachmentId: string } | null>(null);
  const tiles = state.messages.flatMap((message) =>
    message.attachments
      .filter((a) => attachmentKindOf(a.mime) === 'photo' || attachmentKindOf(a.mime) === 'video')
      .map((attachment) => ({ message, attachment })),
  );
  return (
    <>
      {monthGroups(tiles, (t) => t.message.createdAt).map((group) => (
        <section key={group.label} className="gallery-month" aria-label={group.label}>
          <h3>{group.label}</h3>
          <ul className="gallery-grid" role="list">
            {group.items.map(({ message, attachment }) => (
              <li key={`${message.key}:${attachment.id}`}>
                <MediaTile
                  store={store}
                  message={message}
                  attachment={attachment}
                  onOpen={() =>
                    setViewing({ messageKey: message.key, attachmentId: attachment.id })
                  }
                />
              </li>
            ))}
          </ul>
        </section>
      ))}
      <EndOfList store={store} state={state} empty="No photos or videos in this chat yet." />
      {viewing && (
        <PhotoViewer
          store={store}
          // Oldest first, as in the chat: "Previous" is the older photo or video.
          photos={photosOf([...state.messages].reverse(), { videos: true })}
          start={viewing}
          onClose={() => setViewing(null)}
        />
      )}
    </>
  );
}
