-- Service records and micro-wishes belong to a community; they keep its street and district
-- too, so their lists of a scope filter by equality and page by keyset (see migration 30).
ALTER TABLE service_records ADD COLUMN district_org_id BIGINT;
ALTER TABLE service_records ADD COLUMN street_org_id BIGINT;
UPDATE service_records SET
    district_org_id = (SELECT l.district_org_id FROM org_levels l WHERE l.org_id = service_records.community_org_id),
    street_org_id = (SELECT l.street_org_id FROM org_levels l WHERE l.org_id = service_records.community_org_id);
ALTER TABLE wishes ADD COLUMN district_org_id BIGINT;
ALTER TABLE wishes ADD COLUMN street_org_id BIGINT;
UPDATE wishes SET
    district_org_id = (SELECT l.district_org_id FROM org_levels l WHERE l.org_id = wishes.community_org_id),
    street_org_id = (SELECT l.street_org_id FROM org_levels l WHERE l.org_id = wishes.community_org_id);
DROP INDEX service_community;
CREATE INDEX service_community ON service_records (community_org_id, served_on, id);
CREATE INDEX service_street ON service_records (street_org_id, served_on, id);
CREATE INDEX service_district ON service_records (district_org_id, served_on, id);
CREATE INDEX service_recent ON service_records (served_on, id);
CREATE INDEX wishes_recent ON wishes (posted_on, id);
CREATE INDEX wishes_district_recent ON wishes (district_org_id, posted_on, id);
CREATE INDEX wishes_street_recent ON wishes (street_org_id, posted_on, id);
CREATE INDEX wishes_community_recent ON wishes (community_org_id, posted_on, id);
DROP INDEX registrations_community;
CREATE INDEX registrations_community ON registrations (community_org_id, registered_on, id);
