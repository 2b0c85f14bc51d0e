-- An account the system administrator makes holds no role until the security administrator
-- grants it one (三员分立: who an account is, and what it may do, are two duties). Accounts
-- already made were granted by whoever made them.
ALTER TABLE users ADD COLUMN granted BOOLEAN NOT NULL DEFAULT TRUE;
