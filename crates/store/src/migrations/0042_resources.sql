-- 资源清单: what units, communities, mass organisations and volunteer teams offer a
-- community, with how much is left after the projects that draw on it, when it is available
-- and how far it reaches; and the best resources suggested for each open need.
CREATE TABLE resources (
    id {{id}},
    community_org_id BIGINT NOT NULL REFERENCES orgs(id),
    community_path {{path}} NOT NULL,
    street_org_id BIGINT,
    district_org_id BIGINT,
    owner_kind TEXT NOT NULL,
    unit_id BIGINT REFERENCES units(id),
    -- The year's co-building agreement of the unit that raised or offers it (its content).
    agreement_id BIGINT REFERENCES agreements(id),
    owner_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    category TEXT NOT NULL REFERENCES need_categories(code),
    top_category TEXT NOT NULL,
    title TEXT NOT NULL,
    detail TEXT,
    words TEXT NOT NULL,
    capacity BIGINT NOT NULL,
    used BIGINT NOT NULL DEFAULT 0,
    measure TEXT NOT NULL,
    days TEXT NOT NULL,
    available_from DATE,
    available_until DATE,
    place_id BIGINT REFERENCES grid_places(id),
    lon DOUBLE PRECISION,
    lat DOUBLE PRECISION,
    reach_m DOUBLE PRECISION,
    status TEXT NOT NULL,
    year BIGINT NOT NULL,
    posted_on DATE NOT NULL,
    posted_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX resources_community ON resources (community_org_id, status, id);
CREATE INDEX resources_street ON resources (street_org_id, status, id);
CREATE INDEX resources_district ON resources (district_org_id, status, id);
CREATE INDEX resources_status ON resources (status, id);
-- The candidates of a need: active resources of its top category.
CREATE INDEX resources_matching ON resources (top_category, status, id);
CREATE INDEX resources_unit ON resources (unit_id, id);

-- The best resources for each open need, best first (rank 1–5), with the score and why.
CREATE TABLE need_suggestions (
    need_id BIGINT NOT NULL REFERENCES needs(id),
    rank BIGINT NOT NULL,
    resource_id BIGINT NOT NULL REFERENCES resources(id),
    score DOUBLE PRECISION NOT NULL,
    why TEXT NOT NULL,
    PRIMARY KEY (need_id, rank)
);
CREATE INDEX need_suggestions_resource ON need_suggestions (resource_id);
CREATE INDEX resources_agreement ON resources (agreement_id, status);
