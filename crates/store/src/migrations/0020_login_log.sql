-- The login log (登录日志): every sign-in, refused sign-in, lockout and sign-out, with where
-- it came from. Kept like the audit trail: nothing deletes it. `path` is the account's scope
-- when it was written (none for a name no account has), so a scoped reader sees its own.
CREATE TABLE login_log (
    id {{id}},
    at TIMESTAMPTZ NOT NULL,
    username TEXT NOT NULL,
    user_id BIGINT REFERENCES users (id),
    path {{path}},
    address TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    result TEXT NOT NULL,
    reason TEXT
);
CREATE INDEX login_log_user ON login_log (username, id);
CREATE INDEX login_log_path ON login_log (path, id);
CREATE INDEX login_log_at ON login_log (at);
