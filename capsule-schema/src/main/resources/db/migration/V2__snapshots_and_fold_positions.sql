-- The whole session snapshot (user, history window, seq, handled ids), so that a session
-- resumes from PostgreSQL when Redis has lost it. Written with data and data_version.
ALTER TABLE sessions ADD COLUMN snapshot JSONB;

-- How far persistence-service has folded each partition: the next offset to fold, written in
-- the same transaction as the fold, so a reader can wait until its own writes are folded.
CREATE TABLE fold_positions (
    topic       TEXT   NOT NULL,
    partition   INT    NOT NULL,
    next_offset BIGINT NOT NULL,
    PRIMARY KEY (topic, partition)
);
