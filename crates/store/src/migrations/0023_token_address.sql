-- The address a personal access token was last used from: a use from another address is
-- written to the login log.
ALTER TABLE api_tokens ADD COLUMN last_address TEXT;
