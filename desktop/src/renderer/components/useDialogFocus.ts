import { useEffect, useRef, type RefObject } from 'react';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), textarea:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * The element that last had focus outside every dialog: the opener to return to. Tracked as focus
 * moves rather than read when a dialog mounts, by which time focus may already have moved.
 */
let lastFocusOutsideDialogs: HTMLElement | null = null;
document.addEventListener('focusin', (event) => {
  const target = event.target;
  if (target instanceof HTMLElement && target.closest('[role="dialog"]') === null)
    lastFocusOutsideDialogs = target;
});

/**
 * Modal focus: on open, focus moves into the dialog (its first field, or `initial`); Tab and
 * Shift+Tab cycle inside it; on close, focus returns to where it was before (the button that
 * opened it), or to the search field if that is gone, never to the page's body.
 */
export function useDialogFocus(
  dialog: RefObject<HTMLElement | null>,
  initial = 'input, textarea, button:not(.sheet-close)',
  /** Where focus goes on close when the opener is gone (a list item that was re-rendered). */
  returnTo?: () => HTMLElement | null,
): void {
  const returnToRef = useRef(returnTo);
  returnToRef.current = returnTo;
  useEffect(() => {
    const root = dialog.current;
    if (root === null) return;
    const opener = lastFocusOutsideDialogs;
    (root.querySelector<HTMLElement>(initial) ?? root).focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Tab') return;
      const items = [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
        (el) => el.offsetParent !== null || el === document.activeElement,
      );
      const first = items[0];
      const last = items[items.length - 1];
      if (first === undefined || last === undefined) {
        event.preventDefault();
        return;
      }
      const inside = root.contains(document.activeElement);
      if (event.shiftKey && (document.activeElement === first || !inside)) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
        event.preventDefault();
        first.focus();
      }
    };
    // Focus that leaves the dialog some other way (a click on the backdrop) is brought back.
    const onFocusIn = (event: FocusEvent) => {
      if (event.target instanceof Node && !root.contains(event.target)) root.focus();
    };
    document.addEventListener('keydown', onKey, true);
    document.addEventListener('focusin', onFocusIn);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      document.removeEventListener('focusin', onFocusIn);
      // After this commit, unless something else (a newly opened chat's composer) took focus.
      queueMicrotask(() => {
        const active = document.activeElement;
        if (active !== null && active !== document.body && !root.contains(active)) return;
        const target = opener?.isConnected ? opener : returnToRef.current?.();
        (target ?? document.getElementById('sidebar-search'))?.focus();
      });
    };
  }, [dialog, initial]);
}
