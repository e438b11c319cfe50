/** Inline icons (no network, no font): each is decorative unless given a label. */
import type { ReactElement } from 'react';

interface IconProps {
  label?: string;
  size?: number;
}

/** How a stroke icon is drawn besides its path: filled (a starred or pinned state), its line ends. */
interface IconLook {
  fill?: 'none' | 'currentColor';
  linecap?: 'round' | 'butt';
}

/** An icon drawn with strokes of the text colour on a 24×24 grid (unless `viewBox` says otherwise). */
export const svg = (
  path: ReactElement,
  { label, size = 20 }: IconProps,
  viewBox = '0 0 24 24',
  { fill = 'none', linecap = 'round' }: IconLook = {},
) => (
  <svg
    width={size}
    height={size}
    viewBox={viewBox}
    fill={fill}
    stroke="currentColor"
    strokeWidth={2}
    strokeLinecap={linecap}
    strokeLinejoin="round"
    role={label ? 'img' : undefined}
    aria-label={label}
    aria-hidden={label ? undefined : true}
    focusable="false"
  >
    {path}
  </svg>
);

export const IconNewChat = (p: IconProps) =>
  svg(
    <>
      <path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z" />
      <path d="M12 8v8M8 12h8" />
    </>,
    p,
  );
export const IconGroup = (p: IconProps) =>
  svg(
    <>
      <circle cx="9" cy="8" r="3.2" />
      <path d="M3 19c0-3.3 2.7-5.5 6-5.5s6 2.2 6 5.5" />
      <circle cx="17" cy="9" r="2.5" />
      <path d="M15.5 13.6c3 0 5.5 1.9 5.5 5" />
    </>,
    p,
  );
export const IconSettings = (p: IconProps) =>
  svg(
    <>
      <circle cx="12" cy="12" r="3" />
      <path d="M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z" />
    </>,
    p,
  );
export const IconAttach = (p: IconProps) =>
  svg(
    <path d="m21 11.5-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6l7.9-7.9" />,
    p,
  );
export const IconSearch = (p: IconProps) =>
  svg(
    <>
      <circle cx="11" cy="11" r="7" />
      <path d="m20 20-3.5-3.5" />
    </>,
    p,
  );
export const IconInfo = (p: IconProps) =>
  svg(
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M12 11v6M12 7.5v.5" />
    </>,
    p,
  );
export const IconClose = (p: IconProps) => svg(<path d="M6 6l12 12M18 6 6 18" />, p);
export const IconSend = (p: IconProps) => svg(<path d="M4 12 20 4l-6 16-3-7-7-1z" />, p);
export const IconReply = (p: IconProps) =>
  svg(<path d="M10 9V5l-7 7 7 7v-4.1c5 0 8.5 1.6 11 5.1-1-5-4-10-11-11z" />, p);
/** A curved arrow to the right (WhatsApp's forward). */
export const IconForward = (p: IconProps) =>
  svg(<path d="M14 9V5l7 7-7 7v-4.1c-5 0-8.5 1.6-11 5.1 1-5 4-10 11-11z" />, p);
export const IconEdit = (p: IconProps) =>
  svg(
    <>
      <path d="M12 20h9" />
      <path d="M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4z" />
    </>,
    p,
  );
export const IconTrash = (p: IconProps) =>
  svg(
    <>
      <path d="M3 6h18M8 6V4h8v2M6 6l1 14h10l1-14" />
    </>,
    p,
  );
/** A microphone: record a voice message, and the played mark of one. */
export const IconMic = (p: IconProps) =>
  svg(
    <>
      <rect x="9" y="3" width="6" height="11" rx="3" />
      <path d="M5 11a7 7 0 0 0 14 0M12 18v3" />
    </>,
    p,
  );
export const IconPlay = (p: IconProps) => svg(<path d="M7 4.5v15l12-7.5z" />, p);
export const IconPause = (p: IconProps) => svg(<path d="M8 5v14M16 5v14" />, p);
export const IconDown = (p: IconProps) => svg(<path d="m6 9 6 6 6-6" />, p);
export const IconFilter = (p: IconProps) => svg(<path d="M4 5h16l-6 7v6l-4 2v-8z" />, p);
export const IconUp = (p: IconProps) => svg(<path d="m6 15 6-6 6 6" />, p);
export const IconMuted = (p: IconProps) =>
  svg(
    <>
      <path d="M11 5 6 9H2v6h4l5 4z" />
      <path d="m22 9-6 6M16 9l6 6" />
    </>,
    p,
  );
export const IconPin = (p: IconProps) =>
  svg(
    <>
      <path d="M12 17v5" />
      <path d="M9 10.8V4h6v6.8l2.5 3.2V17h-11v-3z" />
    </>,
    p,
  );
export const IconArchive = (p: IconProps) =>
  svg(
    <>
      <rect x="3" y="4" width="18" height="4" rx="1" />
      <path d="M5 8v11a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V8M10 12h4" />
    </>,
    p,
  );
export const IconBack = (p: IconProps) => svg(<path d="M15 18 9 12l6-6" />, p);
export const IconClock = (p: IconProps) =>
  svg(
    <>
      <circle cx="12" cy="12" r="8" />
      <path d="M12 8v4l2.5 2" />
    </>,
    { size: 14, ...p },
  );
export const IconAlert = (p: IconProps) =>
  svg(
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M12 7v6M12 16.5v.5" />
    </>,
    { size: 14, ...p },
  );
export const IconTick = (p: IconProps) =>
  svg(<path d="m4 12.5 4.5 4.5L19 7" />, { size: 16, ...p });
export const IconDoubleTick = (p: IconProps) =>
  svg(
    <>
      <path d="m1.5 12.5 4.5 4.5L16.5 7" />
      <path d="m11 16 1 1L22.5 7" />
    </>,
    { size: 16, ...p },
  );

/** The app's mark: two speech bubbles in the accent colour. */
export const Logo = ({ size = 56 }: { size?: number }) => (
  <svg width={size} height={size} viewBox="0 0 64 64" aria-hidden="true" focusable="false">
    <path
      d="M8 14a10 10 0 0 1 10-10h20a10 10 0 0 1 10 10v12a10 10 0 0 1-10 10H24l-9 8v-8.6A10 10 0 0 1 8 26z"
      fill="var(--accent)"
    />
    <path
      d="M52 24a8 8 0 0 1 8 8v10a8 8 0 0 1-6 7.7V57l-8-7H34a8 8 0 0 1-8-8v-2h12a14 14 0 0 0 14-14z"
      fill="var(--accent)"
      opacity="0.55"
    />
    <circle cx="20" cy="20" r="2.6" fill="#fff" />
    <circle cx="28" cy="20" r="2.6" fill="#fff" />
    <circle cx="36" cy="20" r="2.6" fill="#fff" />
  </svg>
);
export const IconSmile = (p: IconProps) =>
  svg(
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M8.5 14.5c.9 1.2 2.1 1.8 3.5 1.8s2.6-.6 3.5-1.8" />
      <path d="M9 9.5h.01M15 9.5h.01" />
    </>,
    p,
  );
/** A poll: three bars of a result. */
export const IconPoll = (p: IconProps) => svg(<path d="M5 6h10M5 12h14M5 18h6" />, p);
