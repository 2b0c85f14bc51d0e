-- Accounts, each bound to a role and a scope node of the org tree (none: the whole deployment).
CREATE TABLE users (
    id {{id}},
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    scope_org_id BIGINT REFERENCES orgs(id),
    member_id BIGINT REFERENCES members(id),
    unit_id BIGINT REFERENCES units(id),
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until TIMESTAMPTZ,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    password_changed_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX users_scope ON users (scope_org_id);

-- Signed-in sessions, in the database so several servers share them. Only a hash of the
-- cookie's token is kept.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_seen TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Personal access tokens for API clients, read-only or read-write.
CREATE TABLE api_tokens (
    id {{id}},
    user_id BIGINT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    scope TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- The audit trail becomes a hash chain: each entry carries its sequence number, the previous
-- entry's hash and its own. The head row serialises appends and remembers the last link.
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN path {{path}};
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_log_seq ON audit_log (seq);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_path ON audit_log (path, seq);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, last_hash) VALUES (1, 0, '');
