-- One user across channels (issue 15): a channel identity (a Telegram, Slack or WhatsApp user, as
-- <type>:<channel>:<provider user id>) linked to an app user, so that the channel's sessions belong to the app user
-- and their collections, integrations and sendTo meet. Written by the gateway when the app user confirms a link code.
CREATE TABLE identity_links (
    channel_user_id TEXT        PRIMARY KEY,
    user_id         TEXT        NOT NULL,
    owner_id        TEXT        NOT NULL,
    email           TEXT,
    linked_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX identity_links_user ON identity_links (user_id);

-- A link code under way: made by session-service when a channel user asks (/link), shown to them there, redeemed
-- once by the app user within its expiry; the session is where the link is announced.
CREATE TABLE identity_link_codes (
    code            TEXT        PRIMARY KEY,
    channel_user_id TEXT        NOT NULL,
    session_id      TEXT        NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    version         BIGINT      NOT NULL DEFAULT 0
);
CREATE INDEX identity_link_codes_expiry ON identity_link_codes (expires_at);
