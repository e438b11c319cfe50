import type { InfoPartProps } from '../panels/infoPart';

/**
 * The end of a group's info panel (issue #15), as WhatsApp has it: "Exit group" for a member
 * (asks first; an owner's group passes to the longest-serving admin, else member, on the server),
 * then "Delete group" once they have exited, which removes the chat and its history from every
 * device of the account (until someone adds them again).
 */
export function ExitGroup({ store, conversation: c, run }: InfoPartProps) {
  if (c.kind !== 'group') return null;
  if (c.status === 'active')
    return (
      <button
        className="danger"
        onClick={() => {
          const passOn =
            c.role === 'owner' && c.memberCount > 1 ? ' The group passes to an admin.' : '';
          if (window.confirm(`Exit “${c.title}”?${passOn}`)) run(store.chat.leaveGroup(c.id));
        }}
      >
        Exit group
      </button>
    );
  return (
    <>
      <p className="muted" role="note">
        You're no longer a member of this group.
      </p>
      <button
        className="danger"
        onClick={() => {
          if (
            window.confirm(
              `Delete “${c.title}”? Its messages will be removed from all your devices.`,
            )
          )
            run(
              store.chat.deleteGroupForMe(c.id).then(() =>
                store.set({
                  panel: null,
                  ...(store.snapshot.activeId === c.id ? { activeId: null } : {}),
                }),
              ),
            );
        }}
      >
        Delete group
      </button>
    </>
  );
}
