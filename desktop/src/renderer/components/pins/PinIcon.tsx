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
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill={filled ? 'currentColor' : 'none'}
      stroke="currentColor"
      strokeWidth={2}
      strokeLinejoin="round"
      strokeLinecap="round"
      role={label ? 'img' : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : true}
      focusable="false"
    >
      <path d="M9 3h6l-1 6 4 4H6l4-4z" />
      <path d="M12 13v8" fill="none" />
    </svg>
  );
}
