import { mutedUntilText } from '../../format';
import type { InfoPartProps } from './infoPart';

/**
 * "Mute notifications" in a chat's info panel, and until when it is muted (8 hours or a week from
 * the chat list's menu, "always" from here), the same on every device of the account.
 */
export function MuteSetting({ store, conversation: c, run }: InfoPartProps) {
  const hint = `mute-until-${c.id}`;
  return (
    <div className="mute-setting">
      <label className="checkbox">
        <input
          type="checkbox"
          checked={c.muted}
          aria-describedby={c.muted ? hint : undefined}
          onChange={(e) => run(store.chat.setMuted(c.id, e.target.checked))}
        />
        Mute notifications
      </label>
      {c.muted && (
        <p className="muted" id={hint}>
          {mutedUntilText(c.mutedUntil)}
        </p>
      )}
    </div>
  );
}
