-- Functional departments (职能部门) that cases are dispatched to; handlers' accounts name one.
CREATE TABLE departments (
    id {{id}},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
ALTER TABLE users ADD COLUMN department_id BIGINT REFERENCES departments(id);

-- Grids (网格): a community divided into coded areas, each with a polygon (GeoJSON geometry)
-- and its bounding box for a quick lookup of the grids a point may fall in.
CREATE TABLE grids (
    id {{id}},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    community_org_id BIGINT NOT NULL REFERENCES orgs(id),
    branch_org_id BIGINT REFERENCES orgs(id),
    geometry TEXT NOT NULL,
    min_lon DOUBLE PRECISION NOT NULL,
    min_lat DOUBLE PRECISION NOT NULL,
    max_lon DOUBLE PRECISION NOT NULL,
    max_lat DOUBLE PRECISION NOT NULL,
    households BIGINT NOT NULL DEFAULT 0,
    buildings BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX grids_community ON grids (community_org_id);
CREATE INDEX grids_bbox ON grids (min_lon, max_lon, min_lat, max_lat);

-- Cases (诉求/事件): one row per case with its current state; every move is a step.
-- `org_path` is the path of the community (or street) it was routed to, '/' while it waits
-- in the manual queue. Times are UTC.
CREATE TABLE cases (
    id {{id}},
    code TEXT NOT NULL UNIQUE,
    idempotency_key TEXT UNIQUE,
    channel TEXT NOT NULL,
    category TEXT,
    category_top TEXT,
    urgency TEXT NOT NULL,
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    address TEXT,
    lon DOUBLE PRECISION,
    lat DOUBLE PRECISION,
    routed TEXT NOT NULL,
    grid_id BIGINT REFERENCES grids(id),
    community_org_id BIGINT REFERENCES orgs(id),
    street_org_id BIGINT REFERENCES orgs(id),
    org_path {{path}} NOT NULL,
    reporter_name TEXT,
    reporter_phone TEXT,
    department_id BIGINT REFERENCES departments(id),
    received_at TIMESTAMPTZ NOT NULL,
    registered_at TIMESTAMPTZ,
    dispatched_at TIMESTAMPTZ,
    response_due_at TIMESTAMPTZ,
    responded_at TIMESTAMPTZ,
    due_at TIMESTAMPTZ,
    feedback_at TIMESTAMPTZ,
    closed_at TIMESTAMPTZ,
    extensions BIGINT NOT NULL DEFAULT 0,
    extension_pending BOOLEAN NOT NULL DEFAULT FALSE,
    supervision TEXT,
    suspended_from TEXT,
    satisfaction TEXT,
    reworks BIGINT NOT NULL DEFAULT 0,
    returns BIGINT NOT NULL DEFAULT 0,
    duplicate_of BIGINT REFERENCES cases(id),
    created_by TEXT NOT NULL
);
CREATE INDEX cases_scope ON cases (org_path, received_at);
CREATE INDEX cases_status ON cases (status, org_path);
CREATE INDEX cases_department ON cases (department_id, status);
CREATE INDEX cases_due ON cases (due_at) WHERE closed_at IS NULL;

CREATE TABLE case_steps (
    id {{id}},
    case_id BIGINT NOT NULL REFERENCES cases(id),
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    note TEXT,
    department_id BIGINT REFERENCES departments(id)
);
CREATE INDEX case_steps_case ON case_steps (case_id, id);

-- 吹哨报到: the departments a street summoned to a case and when each reported.
CREATE TABLE case_summons (
    id {{id}},
    case_id BIGINT NOT NULL REFERENCES cases(id),
    department_id BIGINT NOT NULL REFERENCES departments(id),
    summoned_at TIMESTAMPTZ NOT NULL,
    due_at TIMESTAMPTZ NOT NULL,
    reported_at TIMESTAMPTZ,
    reported_by TEXT
);
CREATE UNIQUE INDEX case_summons_pair ON case_summons (case_id, department_id);
CREATE INDEX case_summons_department ON case_summons (department_id, reported_at);

-- Counts behind the rates, kept up to date on every move: by the month a case was received,
-- the street it is in (0 for none), the department handling it at the move (0 for none) and
-- the top-level category. A rate over any period and scope sums a few hundred rows.
CREATE TABLE case_stats (
    month BIGINT NOT NULL,
    street_org_id BIGINT NOT NULL,
    department_id BIGINT NOT NULL,
    category_top TEXT NOT NULL,
    received BIGINT NOT NULL DEFAULT 0,
    dispatched BIGINT NOT NULL DEFAULT 0,
    responded_on_time BIGINT NOT NULL DEFAULT 0,
    returned BIGINT NOT NULL DEFAULT 0,
    closed BIGINT NOT NULL DEFAULT 0,
    closed_on_time BIGINT NOT NULL DEFAULT 0,
    reworked BIGINT NOT NULL DEFAULT 0,
    handling_minutes BIGINT NOT NULL DEFAULT 0,
    followed_up BIGINT NOT NULL DEFAULT 0,
    satisfied BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (month, street_org_id, department_id, category_top)
);
