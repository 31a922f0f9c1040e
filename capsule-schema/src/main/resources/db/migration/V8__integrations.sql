-- Connected integrations (issue 15): OAuth tokens a user granted, one row per user and integration.
-- Tokens are stored encrypted (AES-GCM, by the services; PostgreSQL never sees them in clear):
--   access_token, refresh_token: 12-byte nonce followed by the ciphertext and its tag;
--   key_id:  the key they were sealed with, so that keys can rotate (older keys stay readable);
--   version: optimistic lock, so that two replicas refreshing one token at once cannot both write.
CREATE TABLE integration_connections (
    user_id       TEXT        NOT NULL,
    integration   TEXT        NOT NULL,
    access_token  BYTEA       NOT NULL,
    refresh_token BYTEA,
    key_id        TEXT        NOT NULL,
    scopes        TEXT        NOT NULL DEFAULT '',
    expires_at    TIMESTAMPTZ,
    connected_at  TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    version       BIGINT      NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, integration)
);

-- A connect flow under way: made by session-service when a handler requires an integration the user has
-- not connected (the ticket is in the link it shows), started once by the gateway's /connect (which sets
-- the OAuth state, the PKCE verifier and the browser's binding), finished once by the callback (which
-- deletes it). Rows past expires_at are refused and purged.
CREATE TABLE integration_connect_requests (
    ticket          TEXT        PRIMARY KEY,
    user_id         TEXT        NOT NULL,
    session_id      TEXT        NOT NULL,
    channel         TEXT        NOT NULL,
    integration     TEXT        NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    state           TEXT        UNIQUE,
    code_verifier   TEXT,
    browser_binding TEXT,
    version         BIGINT      NOT NULL DEFAULT 0
);
CREATE INDEX integration_connect_requests_expiry ON integration_connect_requests (expires_at);
