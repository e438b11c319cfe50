import { useEffect, useRef, useState } from 'react';
import type { MuteChoice } from '@chitchat/shared';
import { mutedUntilText } from '../../format';
import { MUTE_OPTIONS } from '../muteChoices';
import type { InfoPartProps } from './infoPart';

/**
 * "Mute notifications" in a chat's info panel, and until when it is muted, the same on every
 * device of the account. Turning it on asks for how long first, as WhatsApp does: the same
 * choices as the chat row's menu (8 hours, 1 week, always), as a radio group with Mute and Cancel;
 * turning it off unmutes at once.
 */
export function MuteSetting({ store, conversation: c, run }: InfoPartProps) {
  const [choosing, setChoosing] = useState(false);
  const [choice, setChoice] = useState<MuteChoice>(MUTE_OPTIONS[0]?.choice ?? 'always');
  const toggle = useRef<HTMLInputElement>(null);
  const choices = useRef<HTMLFieldSetElement>(null);
  const open = choosing && !c.muted;
  useEffect(() => {
    if (open) choices.current?.querySelector<HTMLInputElement>('input:checked')?.focus();
  }, [open]);
  const hint = `mute-until-${c.id}`;
  const done = () => {
    setChoosing(false);
    toggle.current?.focus();
  };
  return (
    <div className="mute-setting">
      <label className="checkbox">
        <input
          ref={toggle}
          type="checkbox"
          checked={c.muted}
          aria-describedby={c.muted ? hint : undefined}
          onChange={(e) => {
            if (e.target.checked) setChoosing(true);
            else run(store.chat.setChatMute(c.id, null));
          }}
        />
        Mute notifications
      </label>
      {c.muted && (
        <p className="muted" id={hint}>
          {mutedUntilText(c.mutedUntil)}
        </p>
      )}
      {open && (
        <form
          className="mute-choices"
          onSubmit={(e) => {
            e.preventDefault();
            done();
            run(store.chat.setChatMute(c.id, choice));
          }}
        >
          <fieldset className="radio-group" ref={choices}>
            <legend>Mute this chat for</legend>
            {MUTE_OPTIONS.map((option) => (
              <label key={option.choice} className="checkbox">
                <input
                  type="radio"
                  name={`mute-for-${c.id}`}
                  checked={choice === option.choice}
                  onChange={() => setChoice(option.choice)}
                />
                {option.label}
              </label>
            ))}
          </fieldset>
          <div className="dialog-actions">
            <button type="button" onClick={done}>
              Cancel
            </button>
            <button type="submit" className="primary">
              Mute
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
