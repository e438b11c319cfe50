import { useState } from 'react';
import type { ConversationView } from '../../../common/contract';
import type { AppStore } from '../../state/store';
import { Avatar } from '../Avatar';
import { PhotoPicker } from '../profile/PhotoPicker';

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
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <div className="group-photo">
      <Avatar id={c.id} name={c.title} size={96} photo={c.photo} />
      {manage && (
        <PhotoPicker
          photo={c.photo}
          className="inline-form"
          labels={{
            add: 'Add group photo',
            change: 'Change group photo',
            removeConfirm: 'Remove the group photo?',
            field: 'Choose a group photo',
            cropTitle: 'Crop the group photo',
          }}
          onCropped={(cropped) => run(store.chat.setGroupPhoto(c.id, cropped))}
          onRemove={() => run(store.chat.setGroupPhoto(c.id, null))}
          onError={setProblem}
        />
      )}
      {problem && <p role="alert">{problem}</p>}
    </div>
  );
}
