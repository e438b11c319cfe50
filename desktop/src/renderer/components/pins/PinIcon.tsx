import { svg } from '../Icons';

/** A push pin: outlined for "Pin", filled for a pinned message (decorative unless labelled). */
export function PinIcon({
  filled = false,
  size = 16,
  label,
}: {
  filled?: boolean;
  size?: number;
  label?: string;
}) {
  return svg(
    <>
      <path d="M9 3h6l-1 6 4 4H6l4-4z" />
      <path d="M12 13v8" fill="none" />
    </>,
    { size, label },
    '0 0 24 24',
    { fill: filled ? 'currentColor' : 'none' },
  );
}
