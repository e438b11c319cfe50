import { useState, type FormEvent } from 'react';
import type { TwoStepSetup, TwoStepStatus } from '@chitchat/shared';
import { errorText } from '../../format';
import type { AppStore } from '../../state/store';
import { FormActions } from './FormActions';
import { QrCode } from './QrCode';
import { TwoStepCodeField } from './TwoStepCodeField';
import './settings.css';

type Step =
  | { kind: 'idle' }
  | { kind: 'scanning'; setup: TwoStepSetup }
  | { kind: 'codes'; recoveryCodes: string[] }
  | { kind: 'turning-off' }
  | { kind: 'renewing' };

/**
 * Settings → Two-step sign-in: turn it on (scan the QR code or type the secret into an
 * authenticator app, confirm with its first code, keep the recovery codes), or off (password and
 * a code). `status` is the server's; `onChanged` asks for it again.
 */
export function TwoStepSettings({
  store,
  status,
  onChanged,
}: {
  store: AppStore;
  status: TwoStepStatus;
  onChanged: () => void;
}) {
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [note, setNote] = useState<string | null>(null);

  const fail = (e: unknown) => setNote(errorText(e));
  const begin = () => {
    setNote(null);
    store.chat.twoStepSetup().then((setup) => {
      setCode('');
      setStep({ kind: 'scanning', setup });
    }, fail);
  };
  const cancel = () => setStep({ kind: 'idle' });
  /** A code was sent for new recovery codes (turning it on, or renewing them): shown once. */
  const showCodes = (e: FormEvent, codes: () => Promise<string[]>) => {
    e.preventDefault();
    setNote(null);
    codes().then((recoveryCodes) => {
      setCode('');
      setStep({ kind: 'codes', recoveryCodes });
      onChanged();
    }, fail);
  };
  const confirm = (e: FormEvent) => showCodes(e, () => store.chat.twoStepConfirm(code));
  const renew = (e: FormEvent) => showCodes(e, () => store.chat.twoStepRecoveryCodes(code));
  const turnOff = (e: FormEvent) => {
    e.preventDefault();
    if (!window.confirm('Turn off two-step sign-in? Your password alone will sign you in again.'))
      return;
    setNote(null);
    store.chat.twoStepDisable({ password, code }).then(() => {
      setPassword('');
      setCode('');
      setStep({ kind: 'idle' });
      setNote('Two-step sign-in is off.');
      onChanged();
    }, fail);
  };

  return (
    <section aria-labelledby="two-step-heading">
      <h3 id="two-step-heading">Two-step sign-in</h3>
      {status.required && !status.enabled && (
        <p className="warning" role="note">
          This server requires two-step sign-in for admins: turn it on to use your admin powers.
        </p>
      )}
      {step.kind === 'scanning' ? (
        <form className="stack" onSubmit={confirm} aria-label="Set up two-step sign-in">
          <p>
            Scan this code with an authenticator app (such as Aegis, FreeOTP or Google
            Authenticator), or type the key into it by hand. Then type the 6-digit code it shows.
          </p>
          <QrCode text={step.setup.uri} label="QR code for your authenticator app" />
          <p>
            Key: <code className="two-step-secret">{step.setup.secret}</code>
          </p>
          <details>
            <summary>Setup link</summary>
            <code className="two-step-uri">{step.setup.uri}</code>
          </details>
          <TwoStepCodeField value={code} onChange={setCode} autoFocus />
          <FormActions submit="Turn on" onCancel={cancel} />
        </form>
      ) : step.kind === 'codes' ? (
        <div className="stack">
          <p role="status">
            Two-step sign-in is on. Keep these recovery codes somewhere safe: each signs you in once
            if you lose your authenticator app. They are shown only now.
          </p>
          <ul className="recovery-codes" aria-label="Recovery codes">
            {step.recoveryCodes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
          <button
            type="button"
            onClick={() => void navigator.clipboard?.writeText(step.recoveryCodes.join('\n'))}
          >
            Copy the codes
          </button>
          <button type="button" className="primary" onClick={() => setStep({ kind: 'idle' })}>
            I have saved them
          </button>
        </div>
      ) : step.kind === 'renewing' ? (
        <form className="stack" onSubmit={renew} aria-label="New recovery codes">
          <p>The codes you have now stop working once the new ones are made.</p>
          <TwoStepCodeField value={code} onChange={setCode} recovery autoFocus />
          <FormActions submit="Make new codes" onCancel={cancel} />
        </form>
      ) : step.kind === 'turning-off' ? (
        <form className="stack" onSubmit={turnOff} aria-label="Turn off two-step sign-in">
          <label>
            Password
            <input
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
              autoFocus
            />
          </label>
          <TwoStepCodeField value={code} onChange={setCode} recovery />
          <FormActions submit="Turn off" danger onCancel={cancel} />
        </form>
      ) : status.enabled ? (
        <>
          <p className="muted">
            On: signing in asks for a code from your authenticator app. {status.recoveryCodesLeft}{' '}
            recovery code{status.recoveryCodesLeft === 1 ? '' : 's'} left.
          </p>
          <div className="row-actions">
            <button
              type="button"
              onClick={() => {
                setCode('');
                setStep({ kind: 'renewing' });
              }}
            >
              New recovery codes
            </button>
            {!status.required && (
              <button
                type="button"
                onClick={() => {
                  setCode('');
                  setStep({ kind: 'turning-off' });
                }}
              >
                Turn off two-step sign-in
              </button>
            )}
          </div>
        </>
      ) : (
        <>
          <p className="muted">
            Off. With it on, signing in also asks for a code from an authenticator app on your
            phone, so a stolen password is not enough.
          </p>
          <button type="button" onClick={begin}>
            Turn on two-step sign-in
          </button>
        </>
      )}
      {note && (
        <p role="status" className={note.startsWith('Two-step') ? 'muted' : 'form-error'}>
          {note}
        </p>
      )}
    </section>
  );
}
