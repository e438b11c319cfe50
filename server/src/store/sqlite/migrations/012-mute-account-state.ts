export const migration012 = `
-- Mute moves into the account state (DESIGN §3, issue #15): every membership muted before becomes
-- the entry mute:<conversationId> = "always" of its user, each with the user's next version (in
-- conversation id order), so the person's devices fetch it like any other change. The memberships'
-- muted column stays as a mirror that bumps the membership version when a mute starts or ends, so
-- apps that know nothing of the account state still see their summary change.
INSERT INTO account_entries (user_id, key, value, version, updated_at)
SELECT m.user_id, 'mute:' || m.conversation_id, '"always"',
       COALESCE((SELECT v.version FROM account_versions v WHERE v.user_id = m.user_id), 0)
         + ROW_NUMBER() OVER (PARTITION BY m.user_id ORDER BY m.conversation_id),
       CAST(strftime('%s', 'now') AS INTEGER) * 1000
FROM memberships m
WHERE m.muted = 1;

INSERT INTO account_versions (user_id, version)
SELECT user_id, MAX(version) FROM account_entries WHERE key LIKE 'mute:%' GROUP BY user_id
ON CONFLICT (user_id) DO UPDATE SET version = MAX(version, excluded.version);
`;
