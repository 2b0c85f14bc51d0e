-- Member points schemes a deployment has changed from the shipped ones (domain::points): the
-- whole scheme as a JSON document, validated by the domain before it is stored.
CREATE TABLE points_schemes (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    document TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- Points entered by hand (volunteering, rewards, deductions for misconduct): pending until a
-- second person approves. Points from records (meetings, 双报到) are computed, not stored.
CREATE TABLE points_entries (
    id {{id}},
    scheme TEXT NOT NULL,
    item TEXT NOT NULL,
    member_id BIGINT NOT NULL REFERENCES members(id),
    member_path {{path}} NOT NULL,
    period TEXT NOT NULL,
    occurred_on DATE NOT NULL,
    points BIGINT NOT NULL,
    note TEXT,
    evidence TEXT,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL,
    decided_by TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    decided_at TIMESTAMPTZ
);
CREATE INDEX points_entries_member ON points_entries (member_id, scheme, period);
CREATE INDEX points_entries_scope ON points_entries (scheme, period, status, member_path);
