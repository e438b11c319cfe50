import { timeOrderedId } from '@chitchat/shared';
import { remote } from './client-errors';
import type { ClientContext } from './client-parts';

/*
 * Groups from the engine (issue #15): the group photo. Cropped and scaled on the device (DESIGN
 * §10), uploaded, kept in the media cache (never downloaded again here), then set.
 */

export async function setGroupPhoto(
  context: ClientContext,
  conversationId: string,
  photo: { bytes: Uint8Array; mime: string } | null,
): Promise<void> {
  let avatar: string | null = null;
  if (photo !== null) {
    const extension = photo.mime === 'image/png' ? 'png' : 'jpg';
    const uploaded = await remote(() =>
      context.api.uploadMedia(photo.bytes, { name: `group-photo.${extension}`, mime: photo.mime }),
    );
    context.media.put(uploaded.id, 'original', uploaded.mime, photo.bytes);
    avatar = uploaded.id;
  }
  const summary = await remote(() =>
    context.engine.call('group:update', { conversationId, avatar, opId: timeOrderedId() }),
  );
  context.store.applySummary(summary);
  context.listChanged();
}
