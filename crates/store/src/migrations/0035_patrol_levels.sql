-- Patrols keep their grid's community, street and district, so a scope's patrols page by
-- keyset, newest first, off an index per level (as cases, meetings and service do).
ALTER TABLE patrols ADD COLUMN community_org_id BIGINT;
ALTER TABLE patrols ADD COLUMN street_org_id BIGINT;
ALTER TABLE patrols ADD COLUMN district_org_id BIGINT;
UPDATE patrols SET community_org_id = (SELECT g.community_org_id FROM grids g WHERE g.id = patrols.grid_id);
UPDATE patrols SET
    district_org_id = (SELECT l.district_org_id FROM org_levels l WHERE l.org_id = patrols.community_org_id),
    street_org_id = (SELECT l.street_org_id FROM org_levels l WHERE l.org_id = patrols.community_org_id);
CREATE INDEX patrols_recent ON patrols (started_at, id);
CREATE INDEX patrols_district_recent ON patrols (district_org_id, started_at, id);
CREATE INDEX patrols_street_recent ON patrols (street_org_id, started_at, id);
CREATE INDEX patrols_community_recent ON patrols (community_org_id, started_at, id);
DROP INDEX patrols_worker;
CREATE INDEX patrols_worker ON patrols (worker, started_at, id);
