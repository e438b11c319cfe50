import { describe, expect, it } from 'vitest';
import { clampCrop, sourceSquare } from './squareCrop';

describe('square crop', () => {
  it('at zoom 1 and centred, a landscape photo gives its centred full-height square', () => {
    expect(sourceSquare({ zoom: 1, x: 0, y: 0 }, 1200, 800, 300)).toEqual({
      x: 200,
      y: 0,
      size: 800,
    });
  });

  it('dragging moves the square but never past the edge; a portrait photo slides vertically only', () => {
    // Dragged far right: the square sits at the photo's left edge.
    expect(sourceSquare({ zoom: 1, x: 10_000, y: 0 }, 1200, 800, 300).x).toBe(0);
    expect(clampCrop({ zoom: 1, x: 50, y: 40 }, 800, 1200, 300)).toEqual({ zoom: 1, x: 0, y: 40 });
  });

  it('zooming in shows a smaller square of the original; zoom stays within 1..4', () => {
    expect(sourceSquare({ zoom: 2, x: 0, y: 0 }, 1000, 1000, 250)).toEqual({
      x: 250,
      y: 250,
      size: 500,
    });
    expect(clampCrop({ zoom: 9, x: 0, y: 0 }, 1000, 1000, 250).zoom).toBe(4);
    expect(clampCrop({ zoom: 0.2, x: 0, y: 0 }, 1000, 1000, 250).zoom).toBe(1);
  });
});
