import { IconArchive, IconBack } from '../Icons';

/**
 * The "Archived" row at the top of the list (opens the archived chats), or, inside them, the
 * header that leads back to the chats.
 */
export function ArchivedRow({
  count,
  open,
  onToggle,
}: {
  count: number;
  open: boolean;
  onToggle: () => void;
}) {
  if (open)
    return (
      <div className="archived-header">
        <button type="button" className="icon-button" aria-label="Back to chats" onClick={onToggle}>
          <IconBack />
        </button>
        <h2 className="archived-title">Archived</h2>
      </div>
    );
  if (count === 0) return null;
  return (
    <button type="button" className="archived-row" onClick={onToggle}>
      <span className="archived-icon">
        <IconArchive />
      </span>
      <span className="archived-label">Archived</span>
      <span className="archived-count">
        {count}
        <span className="visually-hidden"> archived chat{count === 1 ? '' : 's'}</span>
      </span>
    </button>
  );
}
