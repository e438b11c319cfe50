import { useState, type FormEvent } from 'react';
import { PASSWORD_MIN_LENGTH } from '@chitchat/shared';
import { PasswordField } from './PasswordField';
import { errorText } from '../../format';
import type { AppStore } from '../../state/store';

type Status = { kind: 'idle' } | { kind: 'saving' } | { kind: 'done' | 'error'; text: string };

/** What the form says is wrong before asking the server, or null when it may be sent. */
function formProblem(current: string, next: string, again: string): string | null {
  if (current === '') return 'Type your current password.';
  if (next.length < PASSWORD_MIN_LENGTH)
    return `The new password needs at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (next !== again) return 'The new passwords do not match.';
  if (next === current) return 'The new password is the same as the current one.';
  return null;
}

/**
 * Settings → Password: the current password and the new one twice. On success every other device of
 * the account is signed out (the server does it at once) and the person is told how many.
 */
export function ChangePassword({ store }: { store: AppStore }) {
  const [open, setOpen] = useState(false);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [status, setStatus] = useState<Status>({ kind: 'idle' });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problem = formProblem(current, next, again);
    if (problem !== null) {
      setStatus({ kind: 'error', text: problem });
      return;
    }
    setStatus({ kind: 'saving' });
    store.chat.changePassword({ currentPassword: current, newPassword: next }).then(
      (signedOut) => {
        setCurrent('');
        setNext('');
        setAgain('');
        setOpen(false);
        const others =
          signedOut === 0
            ? 'No other device was signed in.'
            : signedOut === 1
              ? 'Your other device was signed out.'
              : `Your ${signedOut} other devices were signed out.`;
        setStatus({ kind: 'done', text: `Password changed. ${others}` });
      },
      (error: unknown) => setStatus({ kind: 'error', text: errorText(error) }),
    );
  };

  return (
    <section aria-labelledby="password-heading">
      <h3 id="password-heading">Password</h3>
      {open ? (
        <form className="stack" onSubmit={submit} aria-label="Change password">
          <PasswordField
            label="Current password"
            autoComplete="current-password"
            value={current}
            onChange={setCurrent}
            autoFocus
          />
          <PasswordField
            label="New password"
            autoComplete="new-password"
            value={next}
            onChange={setNext}
          />
          <PasswordField
            label="New password again"
            autoComplete="new-password"
            value={again}
            onChange={setAgain}
          />
          <p className="muted">Every other device signed in to this account will be signed out.</p>
          <div className="inline-form">
            <button type="submit" className="primary" disabled={status.kind === 'saving'}>
              {status.kind === 'saving' ? 'Changing…' : 'Change password'}
            </button>
            <button
              type="button"
              onClick={() => {
                setOpen(false);
                setStatus({ kind: 'idle' });
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <button type="button" onClick={() => setOpen(true)}>
          Change password…
        </button>
      )}
      {(status.kind === 'done' || status.kind === 'error') && (
        <p role={status.kind === 'error' ? 'alert' : 'status'}>{status.text}</p>
      )}
    </section>
  );
}
