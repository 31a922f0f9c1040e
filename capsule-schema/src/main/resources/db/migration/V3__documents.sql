-- Owner-scoped collections: one row per document, the latest version only. A deleted document
-- stays as a tombstone of its version, so that an older change arriving late cannot bring it back.
CREATE TABLE documents (
    owner_id    TEXT        NOT NULL,
    collection  TEXT        NOT NULL,
    id          TEXT        NOT NULL,
    version     BIGINT      NOT NULL,
    deleted     BOOLEAN     NOT NULL DEFAULT false,
    data        JSONB,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (owner_id, collection, id)
);
CREATE INDEX documents_by_owner_created ON documents (owner_id, collection, created_at, id) WHERE NOT deleted;
CREATE INDEX documents_data ON documents USING GIN (data jsonb_path_ops);
