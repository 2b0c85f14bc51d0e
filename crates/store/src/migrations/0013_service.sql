-- Volunteer service (志愿服务) a community records for the party members who served in it.
CREATE TABLE service_records (
    id {{id}},
    member_id BIGINT NOT NULL REFERENCES members(id),
    community_org_id BIGINT NOT NULL REFERENCES orgs(id),
    served_on DATE NOT NULL,
    minutes BIGINT NOT NULL,
    activity TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX service_member ON service_records (member_id, served_on);
CREATE INDEX service_community ON service_records (community_org_id, served_on);
-- Covers a ranking's hours per member for a period without reading the rows.
CREATE INDEX service_period ON service_records (served_on, member_id, minutes);
