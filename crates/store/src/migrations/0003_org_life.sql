-- How often each kind of meeting is owed, per deployment (domain: orglife::Rules). The rows
-- below are the common national practice; a deployment changes them, not code.
CREATE TABLE meeting_rules (
    kind TEXT PRIMARY KEY,
    level TEXT NOT NULL,
    frequency TEXT NOT NULL
);
INSERT INTO meeting_rules (kind, level, frequency) VALUES
    ('branch_assembly', 'branch', 'quarterly'),
    ('branch_committee', 'branch', 'monthly'),
    ('group_meeting', 'group', 'monthly'),
    ('party_lecture', 'branch', 'quarterly'),
    ('themed_day', 'branch', 'monthly'),
    ('life_meeting', 'branch', 'yearly'),
    ('democratic_review', 'branch', 'yearly');

-- Meetings of an org, planned ahead and then recorded as held (or cancelled). A joint themed
-- day of several orgs is one row per org sharing `joint_id`, so it counts for each.
-- `month` (YYYYMM) lets compliance group by month the same way on both backends.
-- Attendance is kept as its exceptions: the org's members when held are `expected`; those
-- absent are listed with reasons, visitors (members registered here) are listed too.
CREATE TABLE meetings (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    org_path {{path}} NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    held_on DATE NOT NULL,
    month BIGINT NOT NULL,
    place TEXT,
    topic TEXT NOT NULL,
    host TEXT,
    minutes TEXT,
    follow_up TEXT,
    joint_id BIGINT,
    expected BIGINT NOT NULL DEFAULT 0,
    absent BIGINT NOT NULL DEFAULT 0,
    visitors BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX meetings_org ON meetings (org_id, held_on);
-- Covering, so compliance reads the index alone.
CREATE INDEX meetings_held ON meetings (month, org_path, org_id, kind, expected, absent) WHERE status = 'held';
CREATE INDEX meetings_joint ON meetings (joint_id);

-- `month` and `org_path` copy the meeting's, so points read a scope's absences from one index.
CREATE TABLE meeting_absences (
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    reason TEXT,
    unexcused BIGINT NOT NULL,
    month BIGINT NOT NULL,
    org_path {{path}} NOT NULL,
    PRIMARY KEY (meeting_id, member_id)
);
CREATE INDEX meeting_absences_member ON meeting_absences (member_id);
CREATE INDEX meeting_absences_scope ON meeting_absences (month, org_path, member_id, unexcused);

CREATE TABLE meeting_visitors (
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    PRIMARY KEY (meeting_id, member_id)
);
CREATE INDEX meeting_visitors_member ON meeting_visitors (member_id);

-- Files kept under the data directory; the row holds what was uploaded and where it lies.
CREATE TABLE meeting_attachments (
    id {{id}},
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    stored_as TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX meeting_attachments_meeting ON meeting_attachments (meeting_id);
