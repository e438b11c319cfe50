import { useEffect, useRef, useState, type FormEvent } from 'react';
import { inviteCodeFromInput } from '@chitchat/shared';
import { errorCode, errorText, serverOfInviteLink, travelsUnencrypted } from '../format';
import type { AppStore } from '../state/store';
import { Logo } from './Icons';
import { SsoSignIn } from './SsoSignIn';

/** Sign in, or create an account, on a server the person names. */
export function AuthScreen({ store, reason }: { store: AppStore; reason?: string | undefined }) {
  const [mode, setMode] = useState<'sign-in' | 'sign-up'>('sign-in');
  const [serverUrl, setServerUrl] = useState(
    () =>
      window.chitchatShell?.defaultServerUrl ??
      localStorage.getItem('chitchat.server') ??
      'http://localhost:3000',
  );
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [invite, setInvite] = useState('');
  // Set once the server answered `two_step_required`: the form then asks for the code too.
  const [twoStep, setTwoStep] = useState(false);
  const [twoStepCode, setTwoStepCode] = useState('');
  const [busy, setBusy] = useState(false);
  // The provider's name while a single sign-on waits for the browser.
  const [ssoWaiting, setSsoWaiting] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(reason ?? null);
  const submitButton = useRef<HTMLButtonElement>(null);
  // When the Cancel button goes away, focus goes back to the form, never to the page's body.
  useEffect(() => {
    if (!busy && (document.activeElement === null || document.activeElement === document.body))
      submitButton.current?.focus();
  }, [busy]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const inviteCode = inviteCodeFromInput(invite);
    if (mode === 'sign-up' && invite.trim() !== '' && inviteCode === null) {
      setError(
        'That is not an invite code or link: paste the whole code or link an admin gave you.',
      );
      return;
    }
    setBusy(true);
    setError(null);
    try {
      localStorage.setItem('chitchat.server', serverUrl);
      if (mode === 'sign-in')
        await store.chat.signIn({
          serverUrl,
          username,
          password,
          ...(twoStep ? { twoStepCode } : {}),
        });
      else
        await store.chat.signUp({
          serverUrl,
          username,
          password,
          ...(displayName ? { displayName } : {}),
          ...(inviteCode !== null ? { inviteCode } : {}),
        });
    } catch (e) {
      const code = errorCode(e);
      if (code === 'two_step_required') {
        setTwoStep(true);
        setError(null);
        return;
      }
      setError(
        code === 'cancelled'
          ? null
          : twoStep && code === 'unauthorized'
            ? 'That code is not right — type the current code from your authenticator app, or a recovery code.'
            : errorText(e, { signingIn: true }),
      );
    } finally {
      setBusy(false);
    }
  }

  // The web app came back from the provider (sso-redirect.ts): exchange the code, or say why not.
  useEffect(() => {
    const back = window.chitchatShell?.ssoRedirect?.take('sign-in') ?? null;
    if (back === null) return;
    if (back.kind === 'refused') {
      setError(back.message);
      return;
    }
    setBusy(true);
    setError(null);
    store.chat
      .signInWithSso({ serverUrl: back.serverUrl, redirected: back.proof })
      .catch((e: unknown) => setError(ssoFailureText(e, null)))
      .finally(() => setBusy(false));
  }, [store]);

  // The web app went to the provider and the person pressed Back: a page restored from the
  // back/forward cache keeps its state, "Signing in…" included. Nothing is under way any more.
  useEffect(() => {
    const restored = (event: PageTransitionEvent) => {
      if (event.persisted) setBusy(false);
    };
    window.addEventListener('pageshow', restored);
    return () => window.removeEventListener('pageshow', restored);
  }, []);

  async function signInWithSso(provider: string) {
    if (busy) return;
    const inviteCode = inviteCodeFromInput(invite);
    const redirect = window.chitchatShell?.ssoRedirect;
    setBusy(true);
    setError(null);
    if (redirect !== undefined) {
      // The web app: this tab goes to the provider and comes back (the effect above).
      try {
        await redirect.begin({
          purpose: 'sign-in',
          serverUrl,
          ...(inviteCode !== null ? { inviteCode } : {}),
        });
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
        setBusy(false);
      }
      return;
    }
    setSsoWaiting(provider);
    try {
      localStorage.setItem('chitchat.server', serverUrl);
      await store.chat.signInWithSso({
        serverUrl,
        ...(inviteCode !== null ? { inviteCode } : {}),
      });
    } catch (e) {
      setError(ssoFailureText(e, provider));
    } finally {
      setBusy(false);
      setSsoWaiting(null);
    }
  }

  return (
    <main className="auth">
      <form className="auth-card" onSubmit={(e) => void submit(e)} aria-labelledby="auth-title">
        <div className="auth-logo">
          <Logo />
        </div>
        <h1 id="auth-title">
          {mode === 'sign-in' ? 'Sign in to chitchat' : 'Create your account'}
        </h1>
        <p className="muted">Your messages live on your own server.</p>
        <label>
          Server address
          <input
            value={serverUrl}
            onChange={(e) => setServerUrl(e.target.value)}
            required
            autoComplete="url"
            aria-describedby={travelsUnencrypted(serverUrl) ? 'insecure-warning' : undefined}
          />
        </label>
        {travelsUnencrypted(serverUrl) && (
          <p className="warning" id="insecure-warning" role="note">
            This address uses plain http://: your password and messages would travel unencrypted,
            readable by anyone on the network. Use https:// unless the server is on your own
            computer.
          </p>
        )}
        <label>
          Username
          <input
            value={username}
            onChange={(e) => {
              setUsername(e.target.value);
              setTwoStep(false);
            }}
            required
            minLength={3}
            maxLength={32}
            autoComplete="username"
            autoFocus
          />
        </label>
        {mode === 'sign-up' && (
          <label>
            Display name <span className="muted">(optional)</span>
            <input
              value={displayName}
              onChange={(e) => setDisplayName(e.target.value)}
              maxLength={64}
              autoComplete="name"
            />
          </label>
        )}
        {mode === 'sign-up' && (
          <label>
            Invite code or link <span className="muted">(if the server asks for one)</span>
            <input
              value={invite}
              onChange={(e) => {
                setInvite(e.target.value);
                // An invite link names its server: the address follows it.
                const server = serverOfInviteLink(e.target.value);
                if (server !== null) setServerUrl(server);
              }}
              autoComplete="off"
              spellCheck={false}
            />
          </label>
        )}
        <label>
          Password
          <input
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            minLength={mode === 'sign-up' ? 8 : 1}
            autoComplete={mode === 'sign-in' ? 'current-password' : 'new-password'}
          />
        </label>
        {twoStep && mode === 'sign-in' && (
          <label>
            Two-step code
            <span className="muted" id="two-step-hint">
              {' '}
              This account uses two-step sign-in: type the 6-digit code from your authenticator app,
              or one of your recovery codes.
            </span>
            <input
              value={twoStepCode}
              onChange={(e) => setTwoStepCode(e.target.value)}
              required
              autoComplete="one-time-code"
              inputMode="text"
              spellCheck={false}
              maxLength={64}
              aria-describedby="two-step-hint"
              autoFocus
            />
          </label>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {/* Not disabled while busy: a disabled button loses focus to the page's body. */}
        <button className="primary" type="submit" aria-disabled={busy} ref={submitButton}>
          {ssoWaiting !== null
            ? `Finish signing in with ${ssoWaiting} in your browser…`
            : busy
              ? mode === 'sign-in'
                ? 'Signing in…'
                : 'Creating your account…'
              : mode === 'sign-in'
                ? 'Sign in'
                : 'Create account'}
        </button>
        {busy && (
          <button type="button" onClick={() => void store.chat.cancelSignIn()}>
            Cancel
          </button>
        )}
        <SsoSignIn
          store={store}
          serverUrl={serverUrl}
          busy={busy}
          onSignIn={(provider) => void signInWithSso(provider)}
        />
        <button
          type="button"
          className="link"
          onClick={() => {
            setMode(mode === 'sign-in' ? 'sign-up' : 'sign-in');
            setTwoStep(false);
            setError(null);
          }}
        >
          {mode === 'sign-in' ? 'New here? Create an account' : 'Already have an account? Sign in'}
        </button>
      </form>
    </main>
  );
}

/** A failed single sign-on in words; null when the person cancelled it. */
function ssoFailureText(e: unknown, provider: string | null): string | null {
  const code = errorCode(e);
  if (code === 'cancelled') return null;
  if (code === 'timeout')
    return `Signing in with ${provider ?? 'single sign-on'} took too long — try again.`;
  if (['network', 'not_chitchat', 'rate_limited'].includes(code))
    return errorText(e, { signingIn: true });
  return e instanceof Error ? e.message : String(e);
}
