import { Logo } from '../Icons';

export function EmptyChat() {
  return (
    <div className="empty-chat">
      <div className="empty-art">
        <Logo size={96} />
      </div>
      <h2>Select a chat to start messaging</h2>
      <p className="muted">
        Your conversations stay on this device too, so they open instantly — even offline.
      </p>
    </div>
  );
}
