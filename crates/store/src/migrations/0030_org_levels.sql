-- The district, street and community above each org, kept as the tree changes: large tables
-- copy them onto their rows, so a list of a scope filters by equality and reads an index in
-- its sort order (as the case desk does since migration 29).
CREATE TABLE org_levels (
    org_id BIGINT PRIMARY KEY REFERENCES orgs(id),
    district_org_id BIGINT,
    street_org_id BIGINT,
    community_org_id BIGINT
);
INSERT INTO org_levels (org_id, district_org_id, street_org_id, community_org_id)
SELECT o.id,
       CASE WHEN o.level = 'district' THEN o.id WHEN p1.level = 'district' THEN p1.id WHEN p2.level = 'district' THEN p2.id WHEN p3.level = 'district' THEN p3.id WHEN p4.level = 'district' THEN p4.id WHEN p5.level = 'district' THEN p5.id END,
       CASE WHEN o.level = 'street' THEN o.id WHEN p1.level = 'street' THEN p1.id WHEN p2.level = 'street' THEN p2.id WHEN p3.level = 'street' THEN p3.id WHEN p4.level = 'street' THEN p4.id WHEN p5.level = 'street' THEN p5.id END,
       CASE WHEN o.level = 'community' THEN o.id WHEN p1.level = 'community' THEN p1.id WHEN p2.level = 'community' THEN p2.id WHEN p3.level = 'community' THEN p3.id WHEN p4.level = 'community' THEN p4.id WHEN p5.level = 'community' THEN p5.id END
FROM orgs o
LEFT JOIN orgs p1 ON p1.id = o.parent_id
LEFT JOIN orgs p2 ON p2.id = p1.parent_id
LEFT JOIN orgs p3 ON p3.id = p2.parent_id
LEFT JOIN orgs p4 ON p4.id = p3.parent_id
LEFT JOIN orgs p5 ON p5.id = p4.parent_id;

-- Meetings list newest first, by keyset, within a district, street or community.
ALTER TABLE meetings ADD COLUMN district_org_id BIGINT;
ALTER TABLE meetings ADD COLUMN street_org_id BIGINT;
ALTER TABLE meetings ADD COLUMN community_org_id BIGINT;
UPDATE meetings SET
    district_org_id = (SELECT l.district_org_id FROM org_levels l WHERE l.org_id = meetings.org_id),
    street_org_id = (SELECT l.street_org_id FROM org_levels l WHERE l.org_id = meetings.org_id),
    community_org_id = (SELECT l.community_org_id FROM org_levels l WHERE l.org_id = meetings.org_id);
DROP INDEX meetings_org;
CREATE INDEX meetings_org ON meetings (org_id, held_on, id);
CREATE INDEX meetings_recent ON meetings (held_on, id);
CREATE INDEX meetings_district_recent ON meetings (district_org_id, held_on, id);
CREATE INDEX meetings_street_recent ON meetings (street_org_id, held_on, id);
CREATE INDEX meetings_community_recent ON meetings (community_org_id, held_on, id);
