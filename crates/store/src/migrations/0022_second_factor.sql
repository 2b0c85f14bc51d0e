-- A second factor for signing in (TOTP, RFC 6238). `totp_secret` is the enrolled secret
-- (base32), `totp_pending` one shown for enrolment and not yet confirmed, `totp_last_step`
-- the step of the last code taken, so no code is taken twice; `totp_required` marks an
-- account an administrator requires it of, beside the administrator roles.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending TEXT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
ALTER TABLE users ADD COLUMN totp_required BOOLEAN NOT NULL DEFAULT FALSE;
-- What a session signed in with its password still owes: nothing, a code ('code'), or the
-- enrolment of a second factor its account requires ('enrol').
ALTER TABLE sessions ADD COLUMN second_factor TEXT;
-- Recovery codes, each good once, for a lost phone; kept as hashes.
CREATE TABLE recovery_codes (
    user_id BIGINT NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    used_at TIMESTAMPTZ
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);
