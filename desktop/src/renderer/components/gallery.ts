import { createContext } from 'react';
import { attachmentKindOf, type AttachmentView, type MessageView } from '../../common/contract';

/** The messages of the open chat, so the photo viewer can step to the previous and next photo. */
export const GalleryContext = createContext<readonly MessageView[]>([]);

export interface GalleryPhoto {
  attachment: AttachmentView;
  message: MessageView;
}

/** Every photo of these messages, oldest first (deleted messages have none to show). */
export function photosOf(messages: readonly MessageView[]): GalleryPhoto[] {
  return messages.flatMap((message) =>
    message.deletedAt !== null
      ? []
      : message.attachments
          .filter((a) => attachmentKindOf(a.mime) === 'photo')
          .map((attachment) => ({ attachment, message })),
  );
}
