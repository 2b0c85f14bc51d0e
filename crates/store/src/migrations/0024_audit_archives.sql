-- Where the live audit chain starts once older entries are archived: the range each archive
-- took, its last hash and file, signed with the audit key together with the previous
-- anchor's signature, so that anchors form a chain of their own and no one who can only write
-- the database can drop entries and move the start. One row per archive file.
CREATE TABLE audit_archives (
    id {{id}},
    from_seq BIGINT NOT NULL,
    upto_seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL,
    entries BIGINT NOT NULL,
    logins BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    file_digest TEXT NOT NULL,
    archived_at TIMESTAMPTZ NOT NULL,
    key_id TEXT NOT NULL,
    prev_signature TEXT NOT NULL,
    signature TEXT NOT NULL
);
CREATE UNIQUE INDEX audit_archives_upto ON audit_archives (upto_seq);
-- The holders of each administrator duty, counted before the duties are split.
CREATE INDEX users_role ON users (role, active);
