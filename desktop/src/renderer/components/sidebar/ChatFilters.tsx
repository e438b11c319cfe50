import { CHAT_FILTERS, type ChatFilter } from './chatListOrder';

/** The chips above the list: All, Unread, Groups (toggle buttons; one is pressed at a time). */
export function ChatFilters({
  filter,
  onChange,
}: {
  filter: ChatFilter;
  onChange: (filter: ChatFilter) => void;
}) {
  return (
    <div className="chat-filters" role="group" aria-label="Filter chats">
      {CHAT_FILTERS.map((f) => (
        <button
          key={f.id}
          type="button"
          className={`chip${filter === f.id ? ' chip-on' : ''}`}
          aria-pressed={filter === f.id}
          onClick={() => onChange(f.id)}
        >
          {f.label}
        </button>
      ))}
    </div>
  );
}
