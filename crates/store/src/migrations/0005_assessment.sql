-- Deployment settings kept as data (JSON values), such as the assessment weights.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- Rectification (整改) of an org flagged weak in an assessment period, and its follow-up.
CREATE TABLE rectifications (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    org_path {{path}} NOT NULL,
    period TEXT NOT NULL,
    score DOUBLE PRECISION,
    plan TEXT NOT NULL,
    progress TEXT,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    closed_by TEXT,
    closed_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX rectifications_org_period ON rectifications (org_id, period);
CREATE INDEX rectifications_scope ON rectifications (period, org_path);
