-- The reporter rates a closed case with a per-case secret given at intake (on the receipt,
-- read out by the operator), kept here as a digest, with the failed tries against it and how
-- long further tries are refused.
CREATE TABLE case_rating (
    case_id BIGINT PRIMARY KEY REFERENCES cases(id),
    secret_digest TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    blocked_until TIMESTAMPTZ
);
