import { useState } from 'react';
import type { GroupAudience } from '@chitchat/shared';
import type { InfoPartProps } from '../panels/infoPart';

/**
 * "Group settings" for the owner and admins (issue #15): who may send messages, and who may edit
 * the group's info and pin. The server refuses members where set; its reason shows in the panel.
 */
export function GroupSettings({ store, conversation: c, run }: InfoPartProps) {
  // The choice just made shows at once, as a radio does, until the server's answer replaces it
  // (a controlled radio would otherwise snap back for the round trip).
  const [pending, setPending] = useState<Partial<Record<'send' | 'editInfo', GroupAudience>>>({});
  const permissions = c.group?.permissions;
  if (permissions === undefined) return null;
  const choice = (key: 'send' | 'editInfo', legend: string, value: GroupAudience) => (
    <fieldset className="radio-group">
      <legend>{legend}</legend>
      {(['everyone', 'admins'] as const).map((audience) => (
        <label key={audience} className="checkbox">
          <input
            type="radio"
            name={`${key}-${c.id}`}
            checked={(pending[key] ?? value) === audience}
            onChange={() => {
              setPending((p) => ({ ...p, [key]: audience }));
              run(
                store.chat
                  .updateGroup({ conversationId: c.id, permissions: { [key]: audience } })
                  .finally(() =>
                    setPending((p) => {
                      const { [key]: _done, ...rest } = p;
                      return rest;
                    }),
                  ),
              );
            }}
          />
          {audience === 'everyone' ? 'All members' : 'Only admins'}
        </label>
      ))}
    </fieldset>
  );
  return (
    <section aria-labelledby={`group-settings-${c.id}`}>
      <h3 id={`group-settings-${c.id}`}>Group settings</h3>
      {choice('send', 'Send messages', permissions.send)}
      {choice('editInfo', 'Edit group info and pin', permissions.editInfo)}
    </section>
  );
}
