import { useState, type FormEvent } from 'react';
import { errorText } from '../../format';
import type { AppStore } from '../../state/store';
import { PasswordField } from './PasswordField';

type Status = { kind: 'idle' } | { kind: 'deleting' } | { kind: 'error'; text: string };

/**
 * Settings → Delete account (issue #15): says what goes and what stays, and asks for the password.
 * On success the server signs out every device and this one forgets the account's local copy; the
 * app returns to the sign-in screen, which says the account was deleted.
 */
export function DeleteAccount({ store, hasPassword }: { store: AppStore; hasPassword: boolean }) {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [status, setStatus] = useState<Status>({ kind: 'idle' });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!hasPassword) {
      // No password to ask for: a sign-in through the provider, just now, stands in for it.
      setStatus({ kind: 'deleting' });
      store.chat
        .reauthenticateWithSso()
        .then(() => store.chat.deleteAccount({}))
        .catch((error: unknown) => setStatus({ kind: 'error', text: errorText(error) }));
      return;
    }
    if (password === '') {
      setStatus({ kind: 'error', text: 'Type your password to confirm.' });
      return;
    }
    setStatus({ kind: 'deleting' });
    store.chat
      .deleteAccount({ password })
      .catch((error: unknown) => setStatus({ kind: 'error', text: errorText(error) }));
  };

  return (
    <section aria-labelledby="delete-account-heading">
      <h3 id="delete-account-heading">Delete account</h3>
      {open ? (
        <form className="stack" onSubmit={submit} aria-label="Delete account">
          <p>Deleting your account cannot be undone:</p>
          <ul className="muted">
            <li>your profile, devices, groups and settings are removed;</li>
            <li>photos, videos and files you sent are deleted from the server;</li>
            <li>people keep the messages you sent them, shown from “Deleted account”.</li>
          </ul>
          {hasPassword ? (
            <PasswordField
              label="Password"
              autoComplete="current-password"
              value={password}
              onChange={setPassword}
              autoFocus
            />
          ) : (
            <p className="muted">
              To confirm, sign in again in your browser; the account is deleted right after.
            </p>
          )}
          <div className="inline-form">
            <button type="submit" className="danger" disabled={status.kind === 'deleting'}>
              {status.kind === 'deleting' ? 'Deleting…' : 'Delete my account'}
            </button>
            <button
              type="button"
              onClick={() => {
                setOpen(false);
                setPassword('');
                setStatus({ kind: 'idle' });
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <button type="button" className="danger" onClick={() => setOpen(true)}>
          Delete account…
        </button>
      )}
      {status.kind === 'error' && <p role="alert">{status.text}</p>}
    </section>
  );
}
