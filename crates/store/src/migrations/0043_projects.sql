-- 项目清单: needs met with resources. Each project names its needs and what it draws on each
-- resource; a resource's `used` is the sum of what its projects draw.
CREATE TABLE projects (
    id {{id}},
    community_org_id BIGINT NOT NULL REFERENCES orgs(id),
    community_path {{path}} NOT NULL,
    street_org_id BIGINT,
    district_org_id BIGINT,
    title TEXT NOT NULL,
    owner_name TEXT NOT NULL,
    owner_unit_id BIGINT REFERENCES units(id),
    -- The year's co-building agreement of the unit that raised or offers it (its content).
    agreement_id BIGINT REFERENCES agreements(id),
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    status TEXT NOT NULL,
    outcome TEXT,
    done_on DATE,
    year BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX projects_community ON projects (community_org_id, status, id);
CREATE INDEX projects_street ON projects (street_org_id, status, id);
CREATE INDEX projects_district ON projects (district_org_id, status, id);
CREATE INDEX projects_status ON projects (status, id);
CREATE INDEX projects_community_all ON projects (community_org_id, id);
CREATE INDEX projects_street_all ON projects (street_org_id, id);
CREATE INDEX projects_district_all ON projects (district_org_id, id);

CREATE TABLE project_needs (
    project_id BIGINT NOT NULL REFERENCES projects(id),
    need_id BIGINT NOT NULL REFERENCES needs(id),
    PRIMARY KEY (project_id, need_id)
);
CREATE INDEX project_needs_need ON project_needs (need_id);

CREATE TABLE project_resources (
    project_id BIGINT NOT NULL REFERENCES projects(id),
    resource_id BIGINT NOT NULL REFERENCES resources(id),
    amount BIGINT NOT NULL,
    PRIMARY KEY (project_id, resource_id)
);
CREATE INDEX project_resources_resource ON project_resources (resource_id);

-- Resources drawn on by projects, per org (community, street, district; 0 the city) and
-- year: a resource counts once, from the first draw on it that year.
CREATE TABLE resource_uses (
    org_id BIGINT NOT NULL,
    year BIGINT NOT NULL,
    resource_id BIGINT NOT NULL,
    PRIMARY KEY (org_id, year, resource_id)
);
CREATE INDEX projects_agreement ON projects (agreement_id, status);
CREATE INDEX projects_unit ON projects (owner_unit_id, year);
