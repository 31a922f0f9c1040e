-- Who owns each session: a durable fact, written by the gateway when it accepts a session's first
-- message (or creates the session), before anything is published, so that losing Redis changes
-- nothing. A claim is decided once for every gateway replica by the primary key: of two users
-- racing for a new id, one INSERT wins and the other meets the conflict.
--   used:       a message is being accepted under this claim (set before it is published); from then
--               on the claim never changes.
--   claimed_at: when an unused claim was made; past its time-to-live another user may take the id,
--               so that ids created and never written in do not stay taken for ever.
CREATE TABLE session_owners (
    session_id  TEXT        PRIMARY KEY,
    user_id     TEXT        NOT NULL,
    used        BOOLEAN     NOT NULL DEFAULT false,
    claimed_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX session_owners_unused ON session_owners (claimed_at) WHERE NOT used;

-- Sessions written in before this table existed keep their owner: the user of their first message.
INSERT INTO session_owners (session_id, user_id, used, claimed_at)
SELECT DISTINCT ON (session_id) session_id, user_id, true, created_at
FROM messages WHERE role = 'user' AND user_id IS NOT NULL
ORDER BY session_id, position
ON CONFLICT (session_id) DO NOTHING;
