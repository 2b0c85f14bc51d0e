-- The audit trail and the login log list newest first within a district, street or community
-- by equality on the levels each line keeps (those of the org its path named when it was
-- written, as the path itself), off an index in the list's order, however few of the lines
-- a narrow scope holds.
ALTER TABLE audit_log ADD COLUMN district_org_id BIGINT;
ALTER TABLE audit_log ADD COLUMN street_org_id BIGINT;
ALTER TABLE audit_log ADD COLUMN community_org_id BIGINT;
UPDATE audit_log SET
    district_org_id = (SELECT l.district_org_id FROM orgs o JOIN org_levels l ON l.org_id = o.id WHERE o.path = audit_log.path),
    street_org_id = (SELECT l.street_org_id FROM orgs o JOIN org_levels l ON l.org_id = o.id WHERE o.path = audit_log.path),
    community_org_id = (SELECT l.community_org_id FROM orgs o JOIN org_levels l ON l.org_id = o.id WHERE o.path = audit_log.path)
WHERE path IS NOT NULL;
CREATE INDEX audit_log_district ON audit_log (district_org_id, seq);
CREATE INDEX audit_log_street ON audit_log (street_org_id, seq);
CREATE INDEX audit_log_community ON audit_log (community_org_id, seq);

ALTER TABLE login_log ADD COLUMN district_org_id BIGINT;
ALTER TABLE login_log ADD COLUMN street_org_id BIGINT;
ALTER TABLE login_log ADD COLUMN community_org_id BIGINT;
UPDATE login_log SET
    district_org_id = (SELECT l.district_org_id FROM orgs o JOIN org_levels l ON l.org_id = o.id WHERE o.path = login_log.path),
    street_org_id = (SELECT l.street_org_id FROM orgs o JOIN org_levels l ON l.org_id = o.id WHERE o.path = login_log.path),
    community_org_id = (SELECT l.community_org_id FROM orgs o JOIN org_levels l ON l.org_id = o.id WHERE o.path = login_log.path)
WHERE path IS NOT NULL;
CREATE INDEX login_log_district ON login_log (district_org_id, id);
CREATE INDEX login_log_street ON login_log (street_org_id, id);
CREATE INDEX login_log_community ON login_log (community_org_id, id);
