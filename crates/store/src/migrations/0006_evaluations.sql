-- Two-way evaluation (双向评价): once a year per registration pair. `subject` says who is
-- rated: the unit's party org or the member (by the community), or the community (by the unit).
CREATE TABLE evaluations (
    id {{id}},
    year INTEGER NOT NULL,
    subject TEXT NOT NULL,
    community_org_id BIGINT NOT NULL REFERENCES orgs(id),
    unit_id BIGINT REFERENCES units(id),
    member_id BIGINT REFERENCES members(id),
    grade TEXT NOT NULL,
    comment TEXT,
    evaluated_by TEXT NOT NULL,
    evaluated_at TIMESTAMPTZ NOT NULL,
    CHECK ((member_id IS NULL AND unit_id IS NOT NULL) OR (member_id IS NOT NULL AND unit_id IS NULL))
);
CREATE UNIQUE INDEX evaluations_unit_pair ON evaluations (unit_id, year, subject, community_org_id) WHERE unit_id IS NOT NULL;
CREATE UNIQUE INDEX evaluations_member_pair ON evaluations (member_id, year, community_org_id) WHERE member_id IS NOT NULL;
CREATE INDEX evaluations_community ON evaluations (community_org_id, year);
