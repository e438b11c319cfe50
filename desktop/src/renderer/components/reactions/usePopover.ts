import { useEffect, useLayoutEffect, useState, type CSSProperties, type RefObject } from 'react';

const MARGIN = 8;

/**
 * A small popover next to the button that opened it: fixed to the viewport (the message list's
 * scroller would clip it), above the anchor where it fits, else below, kept on screen sideways.
 * A press outside it closes it.
 */
export function usePopover(
  anchor: RefObject<HTMLElement | null>,
  popover: RefObject<HTMLElement | null>,
  onClose: () => void,
  /** The element that takes the focus when it opens (its first button when absent). */
  initial = 'button',
): CSSProperties {
  // Transparent (not hidden) until measured: it takes the focus in the same commit.
  const [style, setStyle] = useState<CSSProperties>({
    position: 'fixed',
    top: 0,
    left: 0,
    opacity: 0,
  });
  useLayoutEffect(() => {
    const a = anchor.current?.getBoundingClientRect();
    const p = popover.current?.getBoundingClientRect();
    if (a === undefined || p === undefined) return;
    const above = a.top - p.height - MARGIN;
    const top = above >= MARGIN ? above : Math.min(a.bottom + MARGIN, innerHeight - p.height);
    const left = Math.max(
      MARGIN,
      Math.min(a.left + a.width / 2 - p.width / 2, innerWidth - p.width - MARGIN),
    );
    setStyle({ position: 'fixed', top, left });
  }, [anchor, popover]);
  // Focus moves in when it opens; the opener takes it back when it closes (see closePopover).
  useEffect(() => {
    const root = popover.current;
    (root?.querySelector<HTMLElement>(initial) ?? root)?.focus();
    // Only on opening: later renders (a reaction arriving meanwhile) leave the focus where it is.
  }, []);
  useEffect(() => {
    const onPointer = (event: PointerEvent) => {
      const target = event.target;
      if (!(target instanceof Node)) return;
      if (popover.current?.contains(target) || anchor.current?.contains(target)) return;
      onClose();
    };
    document.addEventListener('pointerdown', onPointer, true);
    return () => document.removeEventListener('pointerdown', onPointer, true);
  }, [anchor, popover, onClose]);
  return style;
}

/** Closes a popover and gives the focus back to the button that opened it. */
export function closePopover(anchor: RefObject<HTMLElement | null>, close: () => void): void {
  close();
  anchor.current?.focus();
}
