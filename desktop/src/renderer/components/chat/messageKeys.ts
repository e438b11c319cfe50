import type { KeyboardEvent } from 'react';

/**
 * Keyboard use of the message history, without a Tab stop per hidden button: the history is one
 * Tab stop; Up/Down move between messages; on a message, Enter or Right goes into its actions (the
 * ones a mouse sees on hover), Left/Right move between them, Escape goes back; R replies, E edits,
 * I shows message info, S stars or unstars, P pins or unpins, + opens the reactions bar, Delete asks how to delete (for me, or for everyone
 * where allowed); Escape on a message returns to the composer.
 */
export function onMessageKeys(event: KeyboardEvent<HTMLElement>): void {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  const target = event.target as HTMLElement;
  const log = event.currentTarget.querySelector<HTMLElement>('[role="log"]');
  if (log === null) return;
  const messages = () => [...log.querySelectorAll<HTMLElement>('[data-message]')];
  const move = (to: HTMLElement | undefined) => {
    if (to === undefined) return;
    event.preventDefault();
    to.focus();
    to.scrollIntoView({ block: 'nearest' });
  };
  const toolbar = target.closest('.bubble-row')?.querySelector<HTMLElement>('.bubble-actions');
  const actions = toolbar ? [...toolbar.querySelectorAll<HTMLElement>('button')] : [];

  if (target === log) {
    if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
    // From the history itself: the last (or first) message on screen.
    const bottom = log.getBoundingClientRect().bottom;
    const top = log.getBoundingClientRect().top;
    const visible = messages().filter((m) => {
      const r = m.getBoundingClientRect();
      return r.bottom > top && r.top < bottom;
    });
    move(event.key === 'ArrowUp' ? visible[visible.length - 1] : visible[0]);
    return;
  }

  if (target.hasAttribute('data-message')) {
    const list = messages();
    const index = list.indexOf(target);
    // Each key names the actions it may press, the first one the message offers.
    const shortcut = {
      r: ['Reply'],
      e: ['Edit'],
      i: ['Message info'],
      s: ['Star', 'Unstar'],
      p: ['Pin', 'Unpin'],
      f: ['Forward'],
      '+': ['React'],
      Delete: ['Delete'],
    }[event.key.length === 1 ? event.key.toLowerCase() : event.key];
    if (event.key === 'ArrowUp') move(list[index - 1]);
    else if (event.key === 'ArrowDown') move(list[index + 1]);
    else if (event.key === 'Enter' || event.key === 'ArrowRight') move(actions[0]);
    else if (event.key === 'Escape') {
      event.preventDefault();
      target.closest('.chat')?.querySelector<HTMLElement>('textarea')?.focus();
    } else if (shortcut !== undefined) {
      const button = actions.find((b) => shortcut.includes(b.getAttribute('aria-label') ?? ''));
      if (button) {
        event.preventDefault();
        button.click();
      }
    }
    return;
  }

  const at = actions.indexOf(target);
  if (at < 0) return;
  const row = target.closest('.bubble-row')?.querySelector<HTMLElement>('[data-message]');
  if (event.key === 'ArrowRight') move(actions[(at + 1) % actions.length]);
  else if (event.key === 'ArrowLeft') move(actions[(at - 1 + actions.length) % actions.length]);
  else if (event.key === 'Escape' && row) move(row);
}

/**
 * Dispatched on the message scroller before the app scrolls it for the person (PageUp from the
 * composer, the jump button, a search hit): like their wheel, it ends holding a message in place.
 */
export const PERSON_SCROLL = 'chitchat:person-scroll';

/** PageUp/PageDown in the composer scroll the history above it by most of a screen. */
export function scrollHistoryByPage(from: HTMLElement, key: string): boolean {
  if (key !== 'PageUp' && key !== 'PageDown') return false;
  const log = from.closest('.chat')?.querySelector<HTMLElement>('[role="log"]');
  if (!log) return false;
  log.dispatchEvent(new Event(PERSON_SCROLL));
  log.scrollBy({ top: (key === 'PageUp' ? -1 : 1) * log.clientHeight * 0.9 });
  return true;
}
