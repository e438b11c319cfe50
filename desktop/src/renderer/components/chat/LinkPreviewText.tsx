/**
 * The words of a link preview, the same in the composer and in a bubble: title, description and
 * host. A span, so that it may sit inside the card's button.
 */
export function LinkPreviewText({
  title,
  description,
  host,
}: {
  title: string;
  description: string | null;
  host: string;
}) {
  return (
    <span className="link-preview-text">
      <span className="link-preview-title" dir="auto">
        {title}
      </span>
      {description !== null && (
        <span className="link-preview-description" dir="auto">
          {description}
        </span>
      )}
      <span className="link-preview-host">{host}</span>
    </span>
  );
}
