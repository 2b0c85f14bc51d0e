-- The audit trail and the login log list newest first within a district or street by
-- equality on the levels each line keeps, off an index in the list's order, however few of
-- the lines a narrow scope holds. The levels are those among the ids of the line's own path
-- (where it was written, as the path itself), so lines about orgs moved or deleted since stay
-- with the district and street they were written under. Readers of the logs are district
-- and street administrators; a narrower scope reads a range over the path.
ALTER TABLE audit_log ADD COLUMN district_org_id BIGINT;
ALTER TABLE audit_log ADD COLUMN street_org_id BIGINT;
ALTER TABLE login_log ADD COLUMN district_org_id BIGINT;
ALTER TABLE login_log ADD COLUMN street_org_id BIGINT;

-- Each distinct path once (there are at most as many as orgs ever were), then every line by it.
CREATE TABLE log_path_levels (
    path {{path}} PRIMARY KEY,
    district_org_id BIGINT,
    street_org_id BIGINT
);
INSERT INTO log_path_levels (path)
SELECT path FROM audit_log WHERE path IS NOT NULL
UNION
SELECT path FROM login_log WHERE path IS NOT NULL;
UPDATE log_path_levels SET
    district_org_id = (SELECT MIN(o.id) FROM orgs o WHERE o.level = 'district'
        AND log_path_levels.path LIKE '%/' || CAST(o.id AS TEXT) || '/%'),
    street_org_id = (SELECT MIN(o.id) FROM orgs o WHERE o.level = 'street'
        AND log_path_levels.path LIKE '%/' || CAST(o.id AS TEXT) || '/%');
UPDATE audit_log SET
    district_org_id = (SELECT t.district_org_id FROM log_path_levels t WHERE t.path = audit_log.path),
    street_org_id = (SELECT t.street_org_id FROM log_path_levels t WHERE t.path = audit_log.path)
WHERE path IS NOT NULL;
UPDATE login_log SET
    district_org_id = (SELECT t.district_org_id FROM log_path_levels t WHERE t.path = login_log.path),
    street_org_id = (SELECT t.street_org_id FROM log_path_levels t WHERE t.path = login_log.path)
WHERE path IS NOT NULL;
DROP TABLE log_path_levels;

CREATE INDEX audit_log_district ON audit_log (district_org_id, seq);
CREATE INDEX audit_log_street ON audit_log (street_org_id, seq);
CREATE INDEX login_log_district ON login_log (district_org_id, id);
CREATE INDEX login_log_street ON login_log (street_org_id, id);
