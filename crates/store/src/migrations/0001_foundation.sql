-- Divisions in use: the parts of the national catalogue a deployment has taken in.
CREATE TABLE divisions (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    parent_code TEXT REFERENCES divisions(code)
);
CREATE INDEX divisions_parent ON divisions (parent_code, code);

-- The organisation tree. `path` lists the ids from the root ("/1/5/12/"), so a subtree is an
-- index range. Member counts are kept on write: direct, and for the whole subtree.
CREATE TABLE orgs (
    id {{id}},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    category TEXT NOT NULL,
    parent_id BIGINT REFERENCES orgs(id),
    path {{path}} NOT NULL,
    division_code TEXT NOT NULL REFERENCES divisions(code),
    founded_on DATE,
    elected_on DATE,
    term_years BIGINT,
    term_due DATE,
    project TEXT,
    ends_on DATE,
    member_count BIGINT NOT NULL DEFAULT 0,
    subtree_member_count BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX orgs_path ON orgs (path);
CREATE INDEX orgs_parent ON orgs (parent_id, code);
CREATE INDEX orgs_name ON orgs (name);
CREATE INDEX orgs_division ON orgs (division_code);
CREATE INDEX orgs_term_due ON orgs (term_due);

-- Stationed units (驻区单位), sitting in a street or community, with their own party org if any.
CREATE TABLE units (
    id {{id}},
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    division_code TEXT NOT NULL REFERENCES divisions(code),
    address TEXT,
    org_id BIGINT REFERENCES orgs(id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX units_division ON units (division_code, name);
CREATE UNIQUE INDEX units_org ON units (org_id);

-- Party members' e-files. `org_path` copies the org's path so a subtree page is one range scan.
CREATE TABLE members (
    id {{id}},
    name TEXT NOT NULL,
    gender TEXT NOT NULL,
    ethnicity TEXT NOT NULL,
    birth_date DATE NOT NULL,
    id_number TEXT NOT NULL UNIQUE,
    phone TEXT,
    education TEXT,
    joined_on DATE NOT NULL,
    full_on DATE,
    status TEXT NOT NULL,
    categories BIGINT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    org_path {{path}} NOT NULL,
    residence_division TEXT REFERENCES divisions(code),
    employer_unit_id BIGINT REFERENCES units(id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX members_org_path ON members (org_path, id);
CREATE INDEX members_org ON members (org_id);
CREATE INDEX members_name ON members (name);

-- Committee seats, including part-time members (兼职委员) from stationed units.
CREATE TABLE committee_seats (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    position TEXT NOT NULL,
    name TEXT NOT NULL,
    member_id BIGINT REFERENCES members(id),
    unit_id BIGINT REFERENCES units(id),
    part_time BOOLEAN NOT NULL,
    since DATE
);
CREATE INDEX committee_seats_org ON committee_seats (org_id);
CREATE UNIQUE INDEX committee_one_secretary ON committee_seats (org_id) WHERE position = 'secretary';

-- Transfers of membership between orgs (组织关系转接); a member's history.
CREATE TABLE transfers (
    id {{id}},
    member_id BIGINT NOT NULL REFERENCES members(id),
    from_org_id BIGINT NOT NULL REFERENCES orgs(id),
    to_org_id BIGINT NOT NULL REFERENCES orgs(id),
    transferred_on DATE NOT NULL,
    reason TEXT,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX transfers_member ON transfers (member_id, transferred_on);
CREATE INDEX transfers_from ON transfers (from_org_id);
CREATE INDEX transfers_to ON transfers (to_org_id);

-- 双报到: an employed member, or a unit's party org, registers with a community.
CREATE TABLE registrations (
    id {{id}},
    community_org_id BIGINT NOT NULL REFERENCES orgs(id),
    member_id BIGINT REFERENCES members(id),
    unit_id BIGINT REFERENCES units(id),
    registered_on DATE NOT NULL,
    ended_on DATE,
    CHECK ((member_id IS NULL AND unit_id IS NOT NULL) OR (member_id IS NOT NULL AND unit_id IS NULL))
);
CREATE INDEX registrations_community ON registrations (community_org_id, registered_on);
CREATE INDEX registrations_community_active ON registrations (community_org_id, ended_on, member_id, unit_id);
CREATE INDEX registrations_unit ON registrations (unit_id);
CREATE INDEX registrations_member ON registrations (member_id);
CREATE UNIQUE INDEX registrations_member_active ON registrations (member_id) WHERE member_id IS NOT NULL AND ended_on IS NULL;
CREATE UNIQUE INDEX registrations_unit_active ON registrations (unit_id) WHERE unit_id IS NOT NULL AND ended_on IS NULL;

-- Every write, in the same transaction as the write.
CREATE TABLE audit_log (
    id {{id}},
    at TIMESTAMPTZ NOT NULL,
    actor TEXT NOT NULL,
    operation TEXT NOT NULL,
    target TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_target ON audit_log (target);
