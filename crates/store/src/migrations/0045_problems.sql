-- 问题清单: matters needing units and departments to coordinate, each with who answers for
-- it and by when; one turned into a case keeps the case.
CREATE TABLE problems (
    id {{id}},
    community_org_id BIGINT NOT NULL REFERENCES orgs(id),
    community_path {{path}} NOT NULL,
    street_org_id BIGINT,
    district_org_id BIGINT,
    title TEXT NOT NULL,
    detail TEXT,
    owner_name TEXT NOT NULL,
    due_on DATE NOT NULL,
    unit_id BIGINT REFERENCES units(id),
    -- The year's co-building agreement of the unit that raised or offers it (its content).
    agreement_id BIGINT REFERENCES agreements(id),
    status TEXT NOT NULL,
    case_id BIGINT REFERENCES cases(id),
    note TEXT,
    year BIGINT NOT NULL,
    posted_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX problems_community ON problems (community_org_id, status, id);
CREATE INDEX problems_street ON problems (street_org_id, status, id);
CREATE INDEX problems_district ON problems (district_org_id, status, id);
CREATE INDEX problems_status ON problems (status, id);
CREATE INDEX problems_case ON problems (case_id);
CREATE INDEX problems_agreement ON problems (agreement_id, status);
CREATE INDEX problems_unit ON problems (unit_id, year);
