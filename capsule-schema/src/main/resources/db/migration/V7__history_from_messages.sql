-- The history window leaves the snapshot the read model keeps of a session: a turn's snapshot used to carry
-- its last 50 lines (some 4-10 kB of JSON), rewritten into sessions.snapshot at every turn, although the
-- messages table holds every line already. Now session-service rebuilds the window from the messages when it
-- resumes a session from PostgreSQL, and needs to know which user messages the snapshot had handled: where
-- each sits in capsule.inbound (null for rows folded before this column, all handled long ago).
ALTER TABLE messages ADD COLUMN inbound_offset BIGINT;
