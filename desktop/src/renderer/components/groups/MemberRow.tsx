import type { ConversationView, MemberView } from '../../../common/contract';
import type { AppStore } from '../../state/store';
import { Avatar } from '../Avatar';

/**
 * One member in a group's info panel: photo (opens their contact info), name ("You" for the
 * viewer), @username, the role badge, and for the owner and admins the actions they may take on
 * this member (an admin manages members, the owner manages admins too).
 */
export function MemberRow({
  store,
  conversation: c,
  member: m,
  me,
  manage,
  run,
}: {
  store: AppStore;
  conversation: ConversationView;
  member: MemberView;
  me: string;
  manage: boolean;
  run: (work: Promise<unknown>) => void;
}) {
  const mine = m.userId === me;
  const mayAct =
    manage && !mine && m.role !== 'owner' && (c.role === 'owner' || m.role === 'member');
  return (
    <div className="member-row">
      {mine ? (
        <Avatar id={m.userId} name={m.displayName} size={32} photo={m.photo} />
      ) : (
        <button
          className="contact-photo-button"
          aria-label={`Contact info of ${m.displayName}`}
          onClick={() => store.set({ panel: { kind: 'contact', userId: m.userId } })}
        >
          <Avatar id={m.userId} name={m.displayName} size={32} photo={m.photo} />
        </button>
      )}
      <span className="member-name">
        <span className="member-text">
          <span dir="auto">{mine ? 'You' : m.displayName}</span>
          {m.username !== '' && (
            <span className="muted member-username" dir="auto">
              @{m.username}
            </span>
          )}
        </span>
        {m.role !== 'member' && (
          <span className="role-badge">{m.role === 'owner' ? 'Owner' : 'Admin'}</span>
        )}
      </span>
      {mayAct && (
        <span className="member-actions">
          <button
            onClick={() =>
              run(
                store.chat.updateGroup({
                  conversationId: c.id,
                  roles: [{ userId: m.userId, role: m.role === 'admin' ? 'member' : 'admin' }],
                }),
              )
            }
          >
            {m.role === 'admin' ? 'Dismiss as admin' : 'Make admin'}
          </button>
          <button
            className="danger"
            aria-label={`Remove ${m.displayName}`}
            onClick={() => {
              if (window.confirm(`Remove ${m.displayName} from “${c.title}”?`))
                run(store.chat.updateGroup({ conversationId: c.id, remove: [m.userId] }));
            }}
          >
            Remove
          </button>
        </span>
      )}
    </div>
  );
}
