import type { PublicUser } from '@chitchat/shared';
import { Avatar } from '../Avatar';

/** Avatar, display name and @username: how a person is shown in pickers. */
export function PersonLabel({ user }: { user: PublicUser }) {
  return (
    <>
      <Avatar id={user.id} name={user.displayName} size={36} photo={user.photo ?? null} />
      <span>
        <span className="row-title" dir="auto">
          {user.displayName}
        </span>
        <span className="muted"> @{user.username}</span>
      </span>
    </>
  );
}
