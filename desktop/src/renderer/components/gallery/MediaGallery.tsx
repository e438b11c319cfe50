import { useState, type KeyboardEvent } from 'react';
import { CHAT_MEDIA_TABS, attachmentKindOf, type ChatMediaTab } from '../../../common/contract';
import type { AppStore } from '../../state/store';
import { DocRow } from './DocRow';
import { LinkRow } from './LinkRow';
import { MediaGrid } from './MediaGrid';
import { MonthList } from './MonthList';
import { useChatMedia } from './useChatMedia';
import './gallery.css';

const TAB_NAMES: Record<ChatMediaTab, string> = { media: 'Media', link: 'Links', document: 'Docs' };

/**
 * "Media, links and docs" of a chat (issue #16), opened from its info panel: three tabs over the
 * engine's `listChatMedia`, newest first by month, paging older history as the person scrolls.
 */
export function MediaGallery({
  store,
  conversationId,
}: {
  store: AppStore;
  conversationId: string;
}) {
  const [tab, setTab] = useState<ChatMediaTab>('media');
  const state = useChatMedia(store, conversationId, tab);
  // Arrow keys move between the tabs (the WAI-ARIA tabs pattern).
  const onKey = (event: KeyboardEvent) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next =
      CHAT_MEDIA_TABS[
        (CHAT_MEDIA_TABS.indexOf(tab) + step + CHAT_MEDIA_TABS.length) % CHAT_MEDIA_TABS.length
      ] ?? 'media';
    setTab(next);
    document.getElementById(`gallery-tab-${next}`)?.focus();
  };
  return (
    <div className="media-gallery">
      <div
        className="gallery-tabs"
        role="tablist"
        aria-label="Media, links and docs"
        onKeyDown={onKey}
      >
        {CHAT_MEDIA_TABS.map((t) => (
          <button
            key={t}
            id={`gallery-tab-${t}`}
            role="tab"
            aria-selected={t === tab}
            aria-controls="gallery-panel"
            tabIndex={t === tab ? 0 : -1}
            onClick={() => setTab(t)}
          >
            {TAB_NAMES[t]}
          </button>
        ))}
      </div>
      <div id="gallery-panel" role="tabpanel" aria-labelledby={`gallery-tab-${tab}`}>
        {tab === 'media' ? (
          <MediaGrid store={store} state={state} />
        ) : tab === 'link' ? (
          <MonthList
            store={store}
            state={state}
            items={state.messages}
            timeOf={(m) => m.createdAt}
            keyOf={(m) => m.key}
            render={(m) => <LinkRow store={store} message={m} />}
            empty="No links in this chat yet."
          />
        ) : (
          <MonthList
            store={store}
            state={state}
            items={state.messages.flatMap((message) =>
              message.attachments
                .filter(
                  (a) =>
                    attachmentKindOf(a.mime) !== 'photo' && attachmentKindOf(a.mime) !== 'video',
                )
                .map((attachment) => ({ message, attachment })),
            )}
            timeOf={(d) => d.message.createdAt}
            keyOf={(d) => `${d.message.key}:${d.attachment.id}`}
            render={(d) => <DocRow store={store} message={d.message} attachment={d.attachment} />}
            empty="No documents in this chat yet."
          />
        )}
      </div>
    </div>
  );
}
