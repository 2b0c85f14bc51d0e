-- Where each session signed in from, for the list of online sessions (在线用户), and an index
-- on last use, which that list reads newest first.
ALTER TABLE sessions ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
CREATE INDEX sessions_last_seen ON sessions (last_seen);
