/*
 * Group photos (issue #15): `conversations.avatar` (there since migration 002, never set until now)
 * holds the group photo's media id. Downloads ask "is this upload a group photo of one of the
 * caller's groups?" and the media sweep "is it anyone's group photo?": both by this index.
 */
export const migration021 = `
CREATE INDEX conversations_by_avatar ON conversations (avatar) WHERE avatar IS NOT NULL;
`;
