import { useId, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import {
  POLL_OPTION_MAX_LENGTH,
  POLL_OPTIONS_MAX,
  POLL_QUESTION_MAX_LENGTH,
} from '@chitchat/shared';
import { errorText } from '../../format';
import type { AppStore } from '../../state/store';
import { IconClose } from '../Icons';
import { useDialogFocus } from '../useDialogFocus';
import { useEscapeCloses } from '../useEscapeCloses';
import { CharactersLeft } from './CharactersLeft';
import { optionFields, pollProblem, pollToSend } from './pollDraft';
import './polls.css';

/** "Create poll", from the composer's attach menu: a question, 2..12 options, one or many answers. */
export function PollDialog({
  store,
  conversationId,
  onClose,
}: {
  store: AppStore;
  conversationId: string;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const ids = useId();
  // On close, back to the composer (the menu item that opened it is gone by then).
  useDialogFocus(ref, 'input', () => document.querySelector<HTMLElement>('.composer textarea'));
  const [question, setQuestion] = useState('');
  const [options, setOptions] = useState(() => optionFields([]));
  const [multiple, setMultiple] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Escape closes it before the composer (which would cancel a reply) sees the key.
  useEscapeCloses(onClose);

  const draft = { question, options, multiple };
  const problem = pollProblem(draft);
  // Nothing typed yet: no reproach, only the disabled Send button.
  const started = question !== '' || options.some((o) => o !== '');
  const setOption = (index: number, text: string) =>
    setOptions((current) => optionFields(current.map((o, i) => (i === index ? text : o))));
  const removeOption = (index: number) => {
    setOptions((current) => optionFields(current.filter((_, i) => i !== index)));
    // The field that takes its place (or the one before the end) keeps the keyboard in the list.
    requestAnimationFrame(() => {
      const fields = ref.current?.querySelectorAll<HTMLInputElement>('.poll-option-field input');
      if (fields === undefined) return;
      fields[Math.min(index, fields.length - 1)]?.focus();
    });
  };

  return createPortal(
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="small-dialog poll-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${ids}-title`}
        ref={ref}
      >
        <form
          className="poll-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (problem !== null || busy) return;
            setBusy(true);
            store.chat
              .sendPoll({ conversationId, poll: pollToSend(draft) })
              .then(onClose, (err) => {
                setBusy(false);
                setError(errorText(err));
              });
          }}
        >
          <div className="poll-dialog-header">
            <h2 id={`${ids}-title`}>Create poll</h2>
            <button
              type="button"
              className="icon-button small sheet-close"
              aria-label="Close"
              onClick={onClose}
            >
              <IconClose size={16} />
            </button>
          </div>
          <label className="poll-field">
            <span>Question</span>
            <input
              value={question}
              dir="auto"
              maxLength={POLL_QUESTION_MAX_LENGTH}
              placeholder="Ask a question"
              onChange={(e) => setQuestion(e.target.value)}
            />
            <CharactersLeft text={question} max={POLL_QUESTION_MAX_LENGTH} />
          </label>
          <fieldset className="poll-options-fieldset">
            <legend>Options</legend>
            <ol className="poll-option-fields">
              {options.map((text, i) => {
                const trailing = i === options.length - 1 && text === '';
                return (
                  <li key={i} className="poll-option-field">
                    <input
                      value={text}
                      dir="auto"
                      maxLength={POLL_OPTION_MAX_LENGTH}
                      placeholder={trailing ? '+ Add option' : `Option ${i + 1}`}
                      aria-label={`Option ${i + 1}`}
                      onChange={(e) => setOption(i, e.target.value)}
                    />
                    {!trailing && options.length > 2 && (
                      <button
                        type="button"
                        className="icon-button small"
                        aria-label={`Remove option ${i + 1}`}
                        title="Remove option"
                        onClick={() => removeOption(i)}
                      >
                        <IconClose size={14} />
                      </button>
                    )}
                    <CharactersLeft text={text} max={POLL_OPTION_MAX_LENGTH} />
                  </li>
                );
              })}
            </ol>
            {options.every((o) => o !== '') && (
              <p className="muted poll-hint">A poll has at most {POLL_OPTIONS_MAX} options.</p>
            )}
          </fieldset>
          <label className="poll-switch">
            <span>Allow multiple answers</span>
            <input
              type="checkbox"
              role="switch"
              checked={multiple}
              onChange={(e) => setMultiple(e.target.checked)}
            />
          </label>
          <p className="muted poll-hint" aria-live="polite">
            {started && problem !== null ? problem : ''}
          </p>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" className="link" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={problem !== null || busy}>
              Send
            </button>
          </div>
        </form>
      </div>
    </div>,
    document.body,
  );
}
