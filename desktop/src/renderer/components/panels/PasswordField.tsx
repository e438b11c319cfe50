import { PASSWORD_MAX_LENGTH } from '@chitchat/shared';

/** One labelled password input, as every account form asks for it. */
export function PasswordField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  autoComplete: 'current-password' | 'new-password';
  autoFocus?: boolean;
}) {
  return (
    <label>
      {props.label}
      <input
        type="password"
        autoComplete={props.autoComplete}
        value={props.value}
        maxLength={PASSWORD_MAX_LENGTH}
        onChange={(e) => props.onChange(e.target.value)}
        autoFocus={props.autoFocus}
      />
    </label>
  );
}
