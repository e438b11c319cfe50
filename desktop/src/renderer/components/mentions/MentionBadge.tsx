import './mentions.css';

/** The chat list's "@": an unread message in this chat mentions you (as WhatsApp shows it). */
export function MentionBadge() {
  return (
    <span className="mention-badge" title="You were mentioned">
      <span aria-hidden="true">@</span>
      <span className="visually-hidden"> You were mentioned</span>
    </span>
  );
}
