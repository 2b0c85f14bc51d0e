-- An administrator's reset, or an account an administrator made, has its owner choose a new
-- password at the next sign-in; a session that must change it reaches nothing else.
ALTER TABLE users ADD COLUMN must_change BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sessions ADD COLUMN must_change BOOLEAN NOT NULL DEFAULT FALSE;
-- Every password set, as its hash, so a new one does not repeat one of the last few.
CREATE TABLE password_history (
    user_id BIGINT NOT NULL REFERENCES users (id),
    password_hash TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, changed_at);
