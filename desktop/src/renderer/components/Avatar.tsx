import { hueOf, initials } from '../format';

/** Initials on a colour derived from the id; an optional presence dot. */
export function Avatar({
  id,
  name,
  size = 44,
  online,
}: {
  id: string;
  name: string;
  size?: number;
  online?: boolean;
}) {
  return (
    <span
      className="avatar"
      style={{ width: size, height: size, fontSize: size * 0.38, ['--hue' as string]: hueOf(id) }}
      aria-hidden="true"
    >
      {initials(name) || '?'}
      {online && <span className="presence-dot" />}
    </span>
  );
}
