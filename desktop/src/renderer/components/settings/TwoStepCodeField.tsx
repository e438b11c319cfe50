/**
 * The code field of the two-step forms: the 6-digit code of the authenticator app, or (`recovery`)
 * that or a recovery code.
 */
export function TwoStepCodeField({
  value,
  onChange,
  recovery = false,
  autoFocus = false,
}: {
  value: string;
  onChange: (value: string) => void;
  recovery?: boolean;
  autoFocus?: boolean;
}) {
  return (
    <label>
      {recovery ? 'Code from the app, or a recovery code' : 'Code from the app'}
      <input
        value={value}
        onChange={(e) => onChange(e.target.value)}
        inputMode={recovery ? undefined : 'numeric'}
        autoComplete="one-time-code"
        required
        maxLength={recovery ? 64 : 16}
        autoFocus={autoFocus}
      />
    </label>
  );
}
