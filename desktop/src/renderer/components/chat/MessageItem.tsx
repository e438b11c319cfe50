import type { ConversationView, MessageView } from '../../../common/contract';
import type { AppStore } from '../../state/store';
import { Bubble } from './Bubble';
import { PinLine } from '../pins/PinLine';
import type { Item } from './items';

/** One row of the message list: a day separator, the unread divider, a system line or a bubble. */
export function MessageItem({
  item,
  store,
  conversation,
  highlighted,
  onReply,
  onEdit,
  onQuoteClick,
}: {
  item: Item;
  store: AppStore;
  conversation: ConversationView;
  highlighted: boolean;
  onReply: (m: MessageView) => void;
  onEdit: (m: MessageView) => void;
  onQuoteClick: (seq: number) => void;
}) {
  if (item.kind === 'day') {
    return (
      <div className="day-separator" role="separator">
        <span>{item.label}</span>
      </div>
    );
  }
  if (item.kind === 'unread') {
    return (
      <div className="unread-divider" role="separator">
        <span>
          {item.count} unread message{item.count === 1 ? '' : 's'}
        </span>
      </div>
    );
  }
  const m = item.message;
  if (m.systemText !== null && m.pinTarget !== undefined)
    return <PinLine text={m.systemText} targetSeq={m.pinTarget} onJump={onQuoteClick} />;
  if (m.systemText !== null) {
    return (
      <div className="system-message">
        <span dir="auto">{m.systemText}</span>
      </div>
    );
  }
  return (
    <Bubble
      message={m}
      store={store}
      conversation={conversation}
      runStart={item.runStart}
      highlighted={highlighted}
      onReply={onReply}
      onEdit={onEdit}
      onQuoteClick={onQuoteClick}
    />
  );
}
