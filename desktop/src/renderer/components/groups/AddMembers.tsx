import type { ConversationView, MemberView } from '../../../common/contract';
import type { AppStore } from '../../state/store';
import { Avatar } from '../Avatar';
import { PersonPicker } from '../panels/PersonPicker';

/** "Add people by username" for the owner and admins: people found, minus current members. */
export function AddMembers({
  store,
  conversation: c,
  members,
  run,
}: {
  store: AppStore;
  conversation: ConversationView;
  members: readonly MemberView[];
  run: (work: Promise<unknown>) => void;
}) {
  const current = new Set(members.map((m) => m.userId));
  return (
    <PersonPicker
      store={store}
      excluded={(id) => current.has(id)}
      onPick={(u) => run(store.chat.updateGroup({ conversationId: c.id, add: [u.id] }))}
    >
      {(u) => (
        <>
          <Avatar id={u.id} name={u.displayName} size={32} />
          <span className="row-title" dir="auto">
            Add {u.displayName}
          </span>
        </>
      )}
    </PersonPicker>
  );
}
