import { useEffect } from 'react';

/**
 * Escape closes a dialog: heard in the capture phase and stopped there, so what lies under the
 * dialog (the message list, which would leave the message; the composer, which would cancel a
 * reply) never sees the key.
 */
export function useEscapeCloses(onClose: () => void): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      event.stopPropagation();
      onClose();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [onClose]);
}
