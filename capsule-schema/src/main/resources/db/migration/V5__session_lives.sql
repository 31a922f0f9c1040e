-- A closed session opens again with its next message (a new life, SessionOpened again), so that
-- "closed" is a closed_at later than the last opening. opened_at stays the first opening: the
-- session's creation. Older rows were opened once, when they were created.
ALTER TABLE sessions ADD COLUMN last_opened_at TIMESTAMPTZ;
UPDATE sessions SET last_opened_at = opened_at;
