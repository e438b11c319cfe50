import { useState } from 'react';
import { FORWARD_CHATS_MAX } from '@chitchat/shared';
import { errorText } from '../../format';
import { useAppState, type AppStore } from '../../state/store';
import { Avatar } from '../Avatar';
import { ErrorNote } from '../ErrorNote';

/** Chats to forward the selected messages to (several at once, as WhatsApp allows). */
export function ForwardDialog({
  store,
  conversationId,
  seqs,
}: {
  store: AppStore;
  conversationId: string;
  seqs: number[];
}) {
  // The whole list is selected (a stable snapshot) and filtered here.
  const conversations = useAppState(store, (s) => s.conversations);
  const chats = conversations.filter((c) => c.status === 'active' && c.request !== 'deleted');
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const shown = chats.filter((c) => c.title.toLowerCase().includes(query.trim().toLowerCase()));
  const toggle = (id: string) =>
    setPicked((current) =>
      current.includes(id)
        ? current.filter((x) => x !== id)
        : current.length < FORWARD_CHATS_MAX
          ? [...current, id]
          : current,
    );
  return (
    <form
      className="forward-dialog"
      onSubmit={(e) => {
        e.preventDefault();
        if (picked.length === 0) return;
        setBusy(true);
        store.chat.forwardMessages({ conversationId, seqs, to: picked }).then(
          () => {
            store.set({ panel: null, selection: null });
            if (picked.length === 1 && picked[0] !== undefined) store.open(picked[0]);
          },
          (err: unknown) => {
            setBusy(false);
            setError(errorText(err));
          },
        );
      }}
    >
      <p className="muted">
        {seqs.length === 1 ? '1 message' : `${seqs.length} messages`} · choose up to{' '}
        {FORWARD_CHATS_MAX} chats
      </p>
      <input
        type="search"
        placeholder="Search chats"
        aria-label="Search chats"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <ul className="people forward-targets" role="list">
        {shown.map((c) => (
          <li key={c.id}>
            <label className="person-row">
              <input
                type="checkbox"
                checked={picked.includes(c.id)}
                onChange={() => toggle(c.id)}
                aria-label={`Forward to ${c.title}`}
              />
              <Avatar id={c.id} name={c.title} photo={c.photo} />
              <span className="row-title" dir="auto">
                {c.title}
              </span>
            </label>
          </li>
        ))}
      </ul>
      {error && <ErrorNote store={store}>{error}</ErrorNote>}
      <button type="submit" className="primary" disabled={picked.length === 0 || busy}>
        Forward{picked.length > 0 ? ` to ${picked.length}` : ''}
      </button>
    </form>
  );
}
