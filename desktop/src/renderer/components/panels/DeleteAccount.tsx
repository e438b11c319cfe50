import { useEffect, useRef, useState, type FormEvent } from 'react';
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
  const redirect = window.chitchatShell?.ssoRedirect;
  // Back from the provider in the web app: the form is where the person left it.
  const [open, setOpen] = useState(() => redirect?.peek()?.purpose === 'reauthenticate');
  const [password, setPassword] = useState('');
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const section = useRef<HTMLElement>(null);
  const failed = (error: unknown) => setStatus({ kind: 'error', text: errorText(error) });
  // After the way back, the form (at the end of Settings) is scrolled to where it was used.
  const [cameBack, setCameBack] = useState(false);
  useEffect(() => {
    if (cameBack) section.current?.scrollIntoView({ block: 'end' });
  }, [cameBack, status]);

  // The web app came back from a `reauthenticate` sign-in this form started: the deletion goes on.
  useEffect(() => {
    const back = redirect?.take('reauthenticate') ?? null;
    if (back === null) return;
    setOpen(true);
    setCameBack(true);
    if (back.kind === 'refused') {
      setStatus({ kind: 'error', text: back.message });
      return;
    }
    setStatus({ kind: 'deleting' });
    store.chat
      .reauthenticateWithSso(back.proof)
      .then(() => store.chat.deleteAccount({}))
      .catch(failed);
  }, [store, redirect]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!hasPassword) {
      // No password to ask for: a sign-in through the provider, just now, stands in for it.
      setStatus({ kind: 'deleting' });
      if (redirect !== undefined) {
        // The web app: this tab goes to the provider and comes back here (the effect above).
        const chat = store.snapshot.activeId;
        redirect
          .begin({ purpose: 'reauthenticate', ...(chat === null ? {} : { returnTo: chat }) })
          .catch(failed);
        return;
      }
      store.chat
        .reauthenticateWithSso()
        .then(() => store.chat.deleteAccount({}))
        .catch(failed);
      return;
    }
    if (password === '') {
      setStatus({ kind: 'error', text: 'Type your password to confirm.' });
      return;
    }
    setStatus({ kind: 'deleting' });
    store.chat.deleteAccount({ password }).catch(failed);
  };

  return (
    <section aria-labelledby="delete-account-heading" ref={section}>
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
              To confirm, sign in again with single sign-on; the account is deleted right after.
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
