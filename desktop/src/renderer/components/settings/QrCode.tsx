import { useMemo } from 'react';
import { create } from 'qrcode';

/** Light margin around the code, in modules: scanners need it (ISO/IEC 18004 asks for four). */
const QUIET_ZONE = 4;

/**
 * A QR code for `text`, drawn as SVG rectangles (no canvas, no data URL, nothing fetched), dark on
 * white in both themes so authenticator apps read it. `label` is its accessible name.
 */
export function QrCode({
  text,
  label,
  size = 200,
}: {
  text: string;
  label: string;
  size?: number;
}) {
  const path = useMemo(() => {
    const { modules } = create(text, { errorCorrectionLevel: 'M' });
    let d = '';
    for (let row = 0; row < modules.size; row++) {
      for (let col = 0; col < modules.size; col++) {
        if (modules.data[row * modules.size + col])
          d += `M${col + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`;
      }
    }
    return { d, extent: modules.size + QUIET_ZONE * 2 };
  }, [text]);
  return (
    <svg
      className="qr-code"
      role="img"
      aria-label={label}
      width={size}
      height={size}
      viewBox={`0 0 ${path.extent} ${path.extent}`}
      shapeRendering="crispEdges"
    >
      <rect width={path.extent} height={path.extent} fill="#fff" />
      <path d={path.d} fill="#000" />
    </svg>
  );
}
