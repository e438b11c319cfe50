import { useContext, useEffect, useState } from 'react';
import { hueOf, initials } from '../format';
import { AvatarMediaContext } from './avatarMedia';
import { mediaUrl } from './Media';

/**
 * A person's or chat's avatar: their photo (its thumbnail, from the media cache, so it shows
 * offline once seen) when there is one and it loads, else initials on a colour derived from the id;
 * an optional presence dot.
 */
export function Avatar({
  id,
  name,
  size = 44,
  online,
  photo = null,
  invite,
}: {
  id: string;
  name: string;
  size?: number;
  online?: boolean;
  /** Media id of the profile photo (or group photo); null for initials. */
  photo?: string | null;
  /** The invite link code a group's photo is readable through (join preview, before joining). */
  invite?: string;
}) {
  const store = useContext(AvatarMediaContext);
  const [loaded, setLoaded] = useState<{ photo: string; url: string } | null>(null);
  useEffect(() => {
    if (store === null || photo === null) return;
    let cancelled = false;
    mediaUrl(store, photo, 'thumbnail', invite).then(
      (url) => !cancelled && setLoaded({ photo, url }),
      // A photo that cannot be fetched (offline and never seen, or no longer visible): initials.
      () => !cancelled && setLoaded(null),
    );
    return () => {
      cancelled = true;
    };
  }, [store, photo, invite]);
  const url = loaded !== null && loaded.photo === photo ? loaded.url : null;
  return (
    <span
      className={url === null ? 'avatar' : 'avatar avatar-photo'}
      style={{ width: size, height: size, fontSize: size * 0.38, ['--hue' as string]: hueOf(id) }}
      aria-hidden="true"
      data-photo={url === null ? undefined : (photo ?? undefined)}
    >
      {/* Initials drawn by CSS, not as text: inside a labelled button ("Contact info of Ben"),
          text such as "BO" would not match the button's name (axe label-content-name-mismatch). */}
      {url === null ? (
        <span className="avatar-initials" data-initials={initials(name) || '?'} />
      ) : (
        <img src={url} alt="" draggable={false} />
      )}
      {online && <span className="presence-dot" />}
    </span>
  );
}
