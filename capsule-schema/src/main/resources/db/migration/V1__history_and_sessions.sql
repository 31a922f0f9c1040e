-- The conversation history: one row per message kept (user messages, replies, finished
-- streams, shown blocks). The event id is the key, so a redelivered event never writes twice.
CREATE TABLE messages (
    event_id    TEXT PRIMARY KEY,
    session_id  TEXT        NOT NULL,
    role        TEXT        NOT NULL CHECK (role IN ('user', 'app')),
    kind        TEXT        NOT NULL CHECK (kind IN ('text', 'stream', 'block')),
    text        TEXT        NOT NULL,
    block       JSONB,
    in_reply_to TEXT,
    seq         BIGINT,
    user_id     TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    stored_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- Arrival order in the read model: the last tie-breaker when history pages by time and seq.
    position    BIGSERIAL   NOT NULL
);
CREATE INDEX messages_by_session ON messages (session_id, position);

-- Sessions: who owns them, and the latest state snapshot, fenced by its version. Events of
-- one session arrive on several topics in no fixed order, so any of them may create the row.
CREATE TABLE sessions (
    session_id    TEXT PRIMARY KEY,
    user_id       TEXT,
    owner_id      TEXT,
    channel       TEXT,
    data          JSONB       NOT NULL DEFAULT '{}'::jsonb,
    data_version  BIGINT      NOT NULL DEFAULT 0,
    opened_at     TIMESTAMPTZ,
    closed_at     TIMESTAMPTZ
);
CREATE INDEX sessions_by_user ON sessions (user_id);
