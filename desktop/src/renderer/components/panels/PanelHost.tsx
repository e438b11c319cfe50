import { useAppState, type AppStore } from '../../state/store';
import { ContactInfo } from '../profile/ContactInfo';
import { MediaGallery } from '../gallery/MediaGallery';
import { JoinPreview } from '../invites/JoinPreview';
import { ForwardDialog } from './ForwardDialog';
import { InfoSheet } from './InfoSheet';
import { MessageInfoList } from './MessageInfoList';
import { NewChat } from './NewChat';
import { NewGroup } from './NewGroup';
import { Settings } from './Settings';
import { Sheet } from './Sheet';
import { StarredMessages } from './StarredMessages';

export function PanelHost({ store }: { store: AppStore }) {
  const panel = useAppState(store, (s) => s.panel);
  if (panel === null) return null;
  const close = () => store.set({ panel: null });
  switch (panel.kind) {
    case 'new-chat':
      return (
        <Sheet title="New chat" onClose={close}>
          <NewChat store={store} />
        </Sheet>
      );
    case 'new-group':
      return (
        <Sheet title="New group" onClose={close}>
          <NewGroup store={store} />
        </Sheet>
      );
    case 'settings':
      return (
        <Sheet title="Settings" onClose={close}>
          <Settings store={store} />
        </Sheet>
      );
    case 'starred':
      return (
        <Sheet title="Starred messages" onClose={close}>
          <StarredMessages store={store} />
        </Sheet>
      );
    case 'info':
      return <InfoSheet store={store} conversationId={panel.conversationId} onClose={close} />;
    case 'gallery':
      // Closing goes back to the chat's info, where the gallery was opened.
      return (
        <Sheet
          title="Media, links and docs"
          onClose={() =>
            store.set({ panel: { kind: 'info', conversationId: panel.conversationId } })
          }
        >
          <MediaGallery store={store} conversationId={panel.conversationId} />
        </Sheet>
      );
    case 'contact':
      return (
        <Sheet title="Contact info" onClose={close}>
          <ContactInfo store={store} userId={panel.userId} />
        </Sheet>
      );
    case 'forward':
      return (
        <Sheet title="Forward to" onClose={close}>
          <ForwardDialog store={store} conversationId={panel.conversationId} seqs={panel.seqs} />
        </Sheet>
      );
    case 'join':
      return (
        <Sheet title="Group invite" onClose={close}>
          <JoinPreview store={store} link={panel.link} />
        </Sheet>
      );
    case 'message-info':
      return (
        <Sheet title="Message info" onClose={close}>
          <MessageInfoList store={store} conversationId={panel.conversationId} seq={panel.seq} />
        </Sheet>
      );
  }
}
