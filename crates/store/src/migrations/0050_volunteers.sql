-- 志愿者: party members and residents who volunteer, with their skills, when they can serve
-- and the community they serve in. The volunteers grid teams listed are carried over as
-- volunteers: the grid team's entry now names its volunteer.
CREATE TABLE volunteers (
    id {{id}},
    member_id BIGINT REFERENCES members(id),
    resident_id BIGINT REFERENCES residents(id),
    name TEXT NOT NULL,
    phone TEXT,
    community_org_id BIGINT NOT NULL REFERENCES orgs(id),
    org_path {{path}} NOT NULL,
    skills TEXT,
    availability TEXT,
    -- The grid team entry it was carried over from, if any.
    grid_team_id BIGINT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX volunteers_member ON volunteers (member_id) WHERE member_id IS NOT NULL;
CREATE UNIQUE INDEX volunteers_resident ON volunteers (resident_id) WHERE resident_id IS NOT NULL;
CREATE INDEX volunteers_scope ON volunteers (org_path, id);

-- One volunteer per member however many grids list them (the member's first entry).
CREATE INDEX grid_team_member ON grid_team (member_id, role, id);
INSERT INTO volunteers (member_id, name, phone, community_org_id, org_path, grid_team_id, created_by, created_at)
    SELECT t.member_id, t.name, t.phone, g.community_org_id, o.path, t.id, 'migration', t.created_at
    FROM grid_team t JOIN grids g ON g.id = t.grid_id JOIN orgs o ON o.id = g.community_org_id
    WHERE t.role = 'volunteer'
      AND (t.member_id IS NULL OR t.id = (SELECT MIN(u.id) FROM grid_team u WHERE u.member_id = t.member_id AND u.role = 'volunteer'));
CREATE INDEX volunteers_carried ON volunteers (grid_team_id);
ALTER TABLE grid_team ADD COLUMN volunteer_id BIGINT REFERENCES volunteers(id);
UPDATE grid_team SET volunteer_id = (SELECT v.id FROM volunteers v WHERE v.grid_team_id = grid_team.id)
    WHERE role = 'volunteer' AND member_id IS NULL;
UPDATE grid_team SET volunteer_id = (SELECT v.id FROM volunteers v WHERE v.member_id = grid_team.member_id)
    WHERE role = 'volunteer' AND member_id IS NOT NULL;

-- 志愿服务队: types are data (the seeds' five and two more to begin with).
CREATE TABLE team_kinds (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    position BIGINT NOT NULL
);
INSERT INTO team_kinds (code, name, position) VALUES
    ('convenience', '便民利民', 1),
    ('relief', '扶贫帮困', 2),
    ('safety', '治安维稳', 3),
    ('environment', '环境保护', 4),
    ('legal', '法律咨询', 5),
    ('civility', '文明创建', 6),
    ('elderly', '助老助残', 7);

CREATE TABLE volunteer_teams (
    id {{id}},
    name TEXT NOT NULL,
    kind TEXT NOT NULL REFERENCES team_kinds(code),
    community_org_id BIGINT NOT NULL REFERENCES orgs(id),
    org_path {{path}} NOT NULL,
    unit_id BIGINT REFERENCES units(id),
    leader_id BIGINT REFERENCES volunteers(id),
    members BIGINT NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX volunteer_teams_scope ON volunteer_teams (org_path, id);

CREATE TABLE team_members (
    team_id BIGINT NOT NULL REFERENCES volunteer_teams(id),
    volunteer_id BIGINT NOT NULL REFERENCES volunteers(id),
    joined_on DATE NOT NULL,
    PRIMARY KEY (team_id, volunteer_id)
);
CREATE INDEX team_members_volunteer ON team_members (volunteer_id, team_id);

-- 志愿活动: published by a community (for one of its teams or its own), at a position, a grid
-- or a point; roles with places; who may sign up; how long before the start cancelling stays
-- open. `taken` and `waiting` per role are kept on write, so a sign-up reads one row.
CREATE TABLE activities (
    id {{id}},
    title TEXT NOT NULL,
    detail TEXT,
    community_org_id BIGINT NOT NULL REFERENCES orgs(id),
    org_path {{path}} NOT NULL,
    street_org_id BIGINT,
    district_org_id BIGINT,
    team_id BIGINT REFERENCES volunteer_teams(id),
    position_id BIGINT REFERENCES positions(id),
    grid_id BIGINT REFERENCES grids(id),
    lon DOUBLE PRECISION,
    lat DOUBLE PRECISION,
    place TEXT,
    starts_at TIMESTAMPTZ NOT NULL,
    ends_at TIMESTAMPTZ NOT NULL,
    audience TEXT NOT NULL,
    cancel_before_minutes BIGINT NOT NULL,
    status TEXT NOT NULL,
    -- Why the organiser called it off, shown to those signed up.
    cancel_reason TEXT,
    -- Signs the activity's check-in links; never shown.
    secret TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX activities_community ON activities (community_org_id, starts_at, id);
CREATE INDEX activities_street ON activities (street_org_id, starts_at, id);
CREATE INDEX activities_district ON activities (district_org_id, starts_at, id);
CREATE INDEX activities_recent ON activities (starts_at, id);
CREATE INDEX activities_team ON activities (team_id, starts_at, id);
-- A scope below a community (a branch's) holds no activity: its empty range is read on this.
CREATE INDEX activities_scope ON activities (org_path, starts_at, id);

CREATE TABLE activity_roles (
    id {{id}},
    activity_id BIGINT NOT NULL REFERENCES activities(id),
    name TEXT NOT NULL,
    places BIGINT NOT NULL,
    taken BIGINT NOT NULL DEFAULT 0,
    waiting BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX activity_roles_activity ON activity_roles (activity_id, id);

-- One sign-up per volunteer and activity: holding a place (confirmed, or offered until its
-- deadline), waiting in line (queued_at orders the line), or out (cancelled, lapsed). Check-in
-- and check-out give the minutes; the organiser's confirmation writes the service record.
CREATE TABLE signups (
    id {{id}},
    activity_id BIGINT NOT NULL REFERENCES activities(id),
    role_id BIGINT NOT NULL REFERENCES activity_roles(id),
    volunteer_id BIGINT NOT NULL REFERENCES volunteers(id),
    state TEXT NOT NULL,
    queued_at TIMESTAMPTZ NOT NULL,
    offer_until TIMESTAMPTZ,
    checked_in_at TIMESTAMPTZ,
    checked_out_at TIMESTAMPTZ,
    minutes BIGINT,
    no_show BOOLEAN NOT NULL DEFAULT FALSE,
    service_id BIGINT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX signups_one ON signups (activity_id, volunteer_id);
CREATE INDEX signups_line ON signups (role_id, state, queued_at, id);
CREATE INDEX signups_volunteer ON signups (volunteer_id, created_at, id);
CREATE INDEX signups_offers ON signups (offer_until) WHERE state = 'offered';
CREATE INDEX signups_no_shows ON signups (volunteer_id, no_show, created_at) WHERE no_show;

-- The no-show policy by place (the deepest org naming one decides; '' the whole city): after
-- `max_no_shows` in a quarter a volunteer's sign-up pauses for `pause_days`.
CREATE TABLE no_show_policies (
    org_path {{path}} PRIMARY KEY,
    max_no_shows BIGINT NOT NULL,
    pause_days BIGINT NOT NULL
);
INSERT INTO no_show_policies (org_path, max_no_shows, pause_days) VALUES ('', 3, 30);

-- Service records now hold residents' hours too: the volunteer who served, the member when
-- the volunteer is one (only members' hours reach points), and the activity that produced it.
CREATE TABLE service_records_kept (
    id {{id}},
    member_id BIGINT REFERENCES members(id),
    volunteer_id BIGINT REFERENCES volunteers(id),
    activity_id BIGINT REFERENCES activities(id),
    community_org_id BIGINT NOT NULL REFERENCES orgs(id),
    served_on DATE NOT NULL,
    minutes BIGINT NOT NULL,
    activity TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    district_org_id BIGINT,
    street_org_id BIGINT
);
INSERT INTO service_records_kept (id, member_id, community_org_id, served_on, minutes, activity, recorded_by, created_at,
    district_org_id, street_org_id)
    SELECT id, member_id, community_org_id, served_on, minutes, activity, recorded_by, created_at, district_org_id, street_org_id
    FROM service_records;
UPDATE service_records_kept SET volunteer_id = (SELECT v.id FROM volunteers v WHERE v.member_id = service_records_kept.member_id);
DROP TABLE service_records;
ALTER TABLE service_records_kept RENAME TO service_records;
{{ids_after service_records}}
CREATE INDEX service_member ON service_records (member_id, served_on);
CREATE INDEX service_volunteer ON service_records (volunteer_id, served_on, id);
CREATE INDEX service_period ON service_records (served_on, member_id, minutes);
CREATE INDEX service_community ON service_records (community_org_id, served_on, id);
CREATE INDEX service_street ON service_records (street_org_id, served_on, id);
CREATE INDEX service_district ON service_records (district_org_id, served_on, id);
CREATE INDEX service_recent ON service_records (served_on, id);
CREATE UNIQUE INDEX service_signup ON signups (service_id) WHERE service_id IS NOT NULL;
