/**
 * The arithmetic of a square crop (profile and group photos): an image shown to cover a square
 * viewport, zoomed and dragged, and the square of the original it then shows.
 */
export interface CropState {
  /** 1 = the image just covers the viewport; larger shows less of it. */
  zoom: number;
  /** Offset of the image's centre from the viewport's centre, in viewport pixels. */
  x: number;
  y: number;
}

export const CROP_ZOOM_MAX = 4;

/** The image's scale on screen: covers a `viewport`-pixel square at zoom 1. */
export const displayScale = (width: number, height: number, viewport: number, zoom: number) =>
  (viewport / Math.min(width, height)) * zoom;

/** `state` with the offset kept where the image still covers the whole viewport. */
export function clampCrop(
  state: CropState,
  width: number,
  height: number,
  viewport: number,
): CropState {
  const zoom = Math.min(CROP_ZOOM_MAX, Math.max(1, state.zoom));
  const scale = displayScale(width, height, viewport, zoom);
  const slackX = Math.max(0, (width * scale - viewport) / 2);
  const slackY = Math.max(0, (height * scale - viewport) / 2);
  return {
    zoom,
    x: Math.min(slackX, Math.max(-slackX, state.x)),
    y: Math.min(slackY, Math.max(-slackY, state.y)),
  };
}

/** The square of the original image (in its pixels) that the viewport shows. */
export function sourceSquare(
  state: CropState,
  width: number,
  height: number,
  viewport: number,
): { x: number; y: number; size: number } {
  const { zoom, x, y } = clampCrop(state, width, height, viewport);
  const scale = displayScale(width, height, viewport, zoom);
  const size = viewport / scale;
  return {
    x: width / 2 - x / scale - size / 2,
    y: height / 2 - y / scale - size / 2,
    size,
  };
}
