import { useEffect, useState } from 'react';
import type { MessageInfo } from '../../../common/contract';
import { errorText, nameCollator } from '../../format';
import { useAppState, type AppStore } from '../../state/store';
import { Avatar } from '../Avatar';

const STATE_LABEL = {
  played: 'Played',
  read: 'Read',
  delivered: 'Delivered',
  sent: 'Not delivered yet',
} as const;

/** Each other member's state for one of your messages in a group. */
export function MessageInfoList({
  store,
  conversationId,
  seq,
}: {
  store: AppStore;
  conversationId: string;
  seq: number;
}) {
  const [info, setInfo] = useState<MessageInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const version = useAppState(store, (s) => s.messageVersions[conversationId] ?? 0);
  useEffect(() => {
    store.chat
      .messageInfo({ conversationId, seq })
      .then(setInfo, (e: unknown) => setError(errorText(e)));
  }, [store, conversationId, seq, version]);
  if (error) return <p className="form-error">{error}</p>;
  if (!info) return <p className="muted">Loading…</p>;
  // A voice note lists who played it first (WhatsApp's message info), then the other states.
  const stateOf = (m: MessageInfo['members'][number]) =>
    m.playedAt !== undefined ? 'played' : m.state;
  const groups = (['played', 'read', 'delivered', 'sent'] as const).map((state) => ({
    state,
    members: info.members
      .filter((m) => stateOf(m) === state)
      .sort((a, b) => nameCollator().compare(a.displayName, b.displayName)),
  }));
  return (
    <div className="stack">
      {groups
        .filter((g) => g.members.length > 0)
        .map((g) => (
          <section key={g.state} aria-label={STATE_LABEL[g.state]}>
            <h3>{STATE_LABEL[g.state]}</h3>
            <ul className="people" role="list">
              {g.members.map((m) => (
                <li key={m.userId} className="member-row">
                  <Avatar id={m.userId} name={m.displayName} size={32} />
                  <span className="member-name" dir="auto">
                    {m.displayName}
                  </span>
                </li>
              ))}
            </ul>
          </section>
        ))}
    </div>
  );
}
