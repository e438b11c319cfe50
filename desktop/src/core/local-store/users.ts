import type { PublicUser } from '@chitchat/shared';
import type { UserRow } from './rows';
import type { SqlDatabase } from './sql';
import type { StoreContext } from './store-context';

/** Takes in people as the server showed them; a photo or about the answer left out is kept. */
export function upsertUsers(ctx: StoreContext, users: readonly PublicUser[]): void {
  for (const user of users) {
    const known = ctx.statements.user.get(user.id);
    const photo = user.photo === undefined ? (known?.photo ?? null) : user.photo;
    const about = user.about === undefined ? (known?.about ?? null) : user.about;
    if (
      known?.username === user.username &&
      known.display_name === user.displayName &&
      known.photo === photo &&
      known.about === about
    )
      continue;
    ctx.statements.upsertUser.run(user.id, user.username, user.displayName, photo, about);
    if (known !== undefined) {
      // A new name shows wherever the person appears (previews, system lines): rare enough to
      // rebuild every view.
      ctx.changes.touchAll();
    } else {
      for (const row of ctx.statements.conversationsOfUser.all(user.id, user.id))
        ctx.changes.touch(row.id);
    }
  }
}

/** The people of these ids this device knows, by id. */
export function usersById(db: SqlDatabase, ids: readonly string[]): Map<string, UserRow> {
  if (ids.length === 0) return new Map();
  const unique = [...new Set(ids)];
  const rows = db
    .prepare<string[], UserRow>(
      `SELECT * FROM users WHERE id IN (${unique.map(() => '?').join(',')})`,
    )
    .all(...unique);
  return new Map(rows.map((r) => [r.id, r]));
}
