import type { KeyboardEvent } from 'react';

/**
 * Keys of the reaction popovers: Left/Right (Up/Down by a row of `columns` in a grid) and
 * Home/End move between the `.reaction-option` buttons; Down from the search field enters the
 * grid; Escape closes. The message history reads arrow keys too, so none of these leave.
 */
export function onPopoverKeys(
  event: KeyboardEvent<HTMLElement>,
  onClose: () => void,
  columns = 0,
): void {
  event.stopPropagation();
  if (event.key === 'Escape') {
    event.preventDefault();
    onClose();
    return;
  }
  const buttons = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('.reaction-option')];
  const active = document.activeElement;
  if (active instanceof HTMLInputElement) {
    if (event.key === 'ArrowDown' && buttons[0] !== undefined) {
      event.preventDefault();
      buttons[0].focus();
    }
    return;
  }
  const at = buttons.indexOf(active as HTMLButtonElement);
  if (at < 0) return;
  const steps: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1 };
  if (columns > 0) Object.assign(steps, { ArrowDown: columns, ArrowUp: -columns });
  const step = steps[event.key];
  let to: number | null = null;
  if (event.key === 'Home') to = 0;
  else if (event.key === 'End') to = buttons.length - 1;
  else if (step !== undefined) to = at + step;
  if (to === null) return;
  event.preventDefault();
  if (columns > 0) {
    // In a grid, Up from the first row goes back to the search field.
    if (to < 0) {
      event.currentTarget.querySelector<HTMLInputElement>('input')?.focus();
      return;
    }
    buttons[Math.min(to, buttons.length - 1)]?.focus();
    return;
  }
  buttons[(to + buttons.length) % buttons.length]?.focus();
}
