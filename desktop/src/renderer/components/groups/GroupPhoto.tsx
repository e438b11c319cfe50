import { useRef, useState } from 'react';
import type { ConversationView } from '../../../common/contract';
import { errorText } from '../../format';
import type { AppStore } from '../../state/store';
import { Avatar } from '../Avatar';
import { PhotoCropper } from '../profile/PhotoCropper';

/**
 * The group's photo in the info panel (issue #15): large; the owner and admins pick one, frame it
 * in the crop dialog (as the profile photo) or remove it.
 */
export function GroupPhoto({
  store,
  conversation: c,
  manage,
  run,
}: {
  store: AppStore;
  conversation: ConversationView;
  manage: boolean;
  run: (work: Promise<unknown>) => void;
}) {
  const [picked, setPicked] = useState<Blob | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="group-photo">
      <Avatar id={c.id} name={c.title} size={96} photo={c.photo} />
      {manage && (
        <div className="inline-form">
          <button onClick={() => input.current?.click()}>
            {c.photo === null ? 'Add group photo' : 'Change group photo'}
          </button>
          {c.photo !== null && (
            <button
              className="danger"
              onClick={() => {
                if (window.confirm('Remove the group photo?'))
                  run(store.chat.setGroupPhoto(c.id, null));
              }}
            >
              Remove photo
            </button>
          )}
          <input
            ref={input}
            type="file"
            accept="image/jpeg,image/png,image/webp,image/gif"
            hidden
            aria-label="Choose a group photo"
            onChange={(e) => {
              const field = e.target;
              const file = field.files?.[0];
              if (file === undefined) return;
              // Read now: a picked file can stop being readable once the field is cleared.
              file.arrayBuffer().then(
                (bytes) => {
                  field.value = '';
                  setPicked(new Blob([bytes], { type: file.type }));
                },
                (err: unknown) => setProblem(errorText(err)),
              );
            }}
          />
        </div>
      )}
      {problem && <p role="alert">{problem}</p>}
      {picked && (
        <PhotoCropper
          file={picked}
          title="Crop the group photo"
          onCancel={() => setPicked(null)}
          onDone={(cropped) => {
            setPicked(null);
            run(store.chat.setGroupPhoto(c.id, cropped));
          }}
        />
      )}
    </div>
  );
}
