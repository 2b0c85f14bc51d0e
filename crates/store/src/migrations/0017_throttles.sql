-- Counters of failed attempts (sign-ins by account and address, by address alone), kept in
-- the database so that every serve process of a deployment counts them together.
CREATE TABLE throttles (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    blocked_until TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL
);
