import type { ConversationView, SessionState } from '../common/contract';
import { chatApiFromHost, type ChatHostBridge } from '../common/rpc';
import { PHOTO_CACHE, PHOTO_MEDIA_HEADER, photoCacheUrl } from './sw/notification';

/*
 * Keeps each chat's photo (its thumbnail) in Cache Storage for the service worker's notifications
 * (issue #17; see PHOTO_CACHE for why there). Follows the chat list: a new or changed photo is
 * read through the engine (its media cache, else the server) and stored; a removed one is
 * deleted; signing out deletes them all. One at a time, in the background: a nicety, never in the
 * way of the screen.
 */
export function keepChatPhotos(host: ChatHostBridge, storage: CacheStorage): () => void {
  const chat = chatApiFromHost(host);
  /** The media id kept per chat (null: none), as far as known; read from the cache first. */
  let known = readKept(storage);
  let work: Promise<void> = Promise.resolve();
  const queue = (task: () => Promise<void>) => {
    work = work.then(task).catch(() => undefined);
  };

  const follow = (views: ConversationView[]) =>
    queue(async () => {
      const kept = await known;
      const cache = await storage.open(PHOTO_CACHE);
      for (const view of views) {
        if ((kept.get(view.id) ?? null) === view.photo) continue;
        if (view.photo === null) {
          await cache.delete(photoCacheUrl(view.id));
          kept.set(view.id, null);
          continue;
        }
        try {
          const media = await chat.getMedia({ mediaId: view.photo, variant: 'thumbnail' });
          await cache.put(
            photoCacheUrl(view.id),
            new Response(new Blob([new Uint8Array(media.bytes)], { type: media.mime }), {
              headers: { 'content-type': media.mime, [PHOTO_MEDIA_HEADER]: view.photo },
            }),
          );
          kept.set(view.id, view.photo);
        } catch {
          // Offline or gone: tried again with the next change of the list.
        }
      }
    });

  return host.subscribe((name, payload) => {
    if (name === 'conversations') follow(payload as ConversationView[]);
    else if (name === 'session' && (payload as SessionState).status === 'signed_out') {
      queue(async () => {
        await storage.delete(PHOTO_CACHE);
        known = Promise.resolve(new Map<string, string | null>());
      });
    }
  });
}

async function readKept(storage: CacheStorage): Promise<Map<string, string | null>> {
  const kept = new Map<string, string | null>();
  try {
    const cache = await storage.open(PHOTO_CACHE);
    for (const request of await cache.keys()) {
      const answer = await cache.match(request);
      const id = decodeURIComponent(new URL(request.url).pathname.split('/').pop() ?? '');
      kept.set(id, answer?.headers.get(PHOTO_MEDIA_HEADER) ?? null);
    }
  } catch {
    // No Cache Storage (an insecure origin): nothing kept, and nothing can be.
  }
  return kept;
}
