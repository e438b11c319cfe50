import { createContext } from 'react';
import { attachmentKindOf, type AttachmentView, type MessageView } from '../../common/contract';

/** The messages of the open chat, so the photo viewer can step to the previous and next photo. */
export const GalleryContext = createContext<readonly MessageView[]>([]);

export interface GalleryPhoto {
  attachment: AttachmentView;
  message: MessageView;
}

/**
 * Every photo of these messages (and every video, with `videos`: the chat's "Media, links and
 * docs" steps through both), oldest first; deleted messages have none to show.
 */
export function photosOf(
  messages: readonly MessageView[],
  { videos = false }: { videos?: boolean } = {},
): GalleryPhoto[] {
  return messages.flatMap((message) =>
    message.deletedAt !== null
      ? []
      : message.attachments
          .filter((a) => {
            const kind = attachmentKindOf(a.mime);
            return kind === 'photo' || (videos && kind === 'video');
          })
          .map((attachment) => ({ attachment, message })),
  );
}
