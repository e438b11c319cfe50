import { svg } from '../Icons';

/** A star: outlined for "Star", filled for a starred message (decorative unless labelled). */
export function StarIcon({
  filled = false,
  size = 16,
  label,
}: {
  filled?: boolean;
  size?: number;
  label?: string;
}) {
  return svg(
    <path d="m12 3 2.8 5.7 6.2.9-4.5 4.4 1.1 6.2L12 17.3 6.4 20.2l1.1-6.2L3 9.6l6.2-.9z" />,
    { size, label },
    '0 0 24 24',
    { fill: filled ? 'currentColor' : 'none', linecap: 'butt' },
  );
}
