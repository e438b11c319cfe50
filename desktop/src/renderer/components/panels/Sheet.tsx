import { useRef, type ReactNode } from 'react';
import { IconClose } from '../Icons';
import { useDialogFocus } from '../useDialogFocus';

/** A side sheet over the app: modal (focus stays inside, and returns to its opener on close). */
export function Sheet({
  title,
  onClose,
  children,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useDialogFocus(ref);
  return (
    <div className="sheet-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="sheet"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        ref={ref}
        tabIndex={-1}
      >
        <header className="sheet-header">
          <h2>{title}</h2>
          <button className="icon-button sheet-close" aria-label="Close" onClick={onClose}>
            <IconClose />
          </button>
        </header>
        <div className="sheet-body">{children}</div>
      </div>
    </div>
  );
}
