import { useAppState, type AppStore } from '../../state/store';
import { ConversationInfo } from './ConversationInfo';
import { Sheet } from './Sheet';

export function InfoSheet({
  store,
  conversationId,
  onClose,
}: {
  store: AppStore;
  conversationId: string;
  onClose: () => void;
}) {
  const conversation = useAppState(store, (s) =>
    s.conversations.find((c) => c.id === conversationId),
  );
  if (!conversation) return null;
  return (
    <Sheet title={conversation.kind === 'group' ? 'Group info' : 'Contact info'} onClose={onClose}>
      <ConversationInfo store={store} conversation={conversation} />
    </Sheet>
  );
}
