-- 微心愿: residents' small wishes posted by their community, claimed by a party member and
-- confirmed fulfilled. Fulfilled wishes count towards the claiming member's points.
CREATE TABLE wishes (
    id {{id}},
    community_org_id BIGINT NOT NULL REFERENCES orgs(id),
    community_path {{path}} NOT NULL,
    title TEXT NOT NULL,
    detail TEXT,
    resident TEXT,
    status TEXT NOT NULL,
    posted_on DATE NOT NULL,
    member_id BIGINT REFERENCES members(id),
    claimed_on DATE,
    fulfilled_on DATE,
    posted_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX wishes_scope ON wishes (community_path, status, posted_on);
CREATE INDEX wishes_member ON wishes (member_id, fulfilled_on);
CREATE INDEX wishes_fulfilled ON wishes (fulfilled_on, member_id);
