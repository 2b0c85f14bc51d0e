-- The desk and the department inbox page by keyset: each list filters by equality on stored
-- columns and reads its rows in the order of an index, so a page costs the same at 10k cases
-- and at 10M. A case keeps its district as it keeps its street; a summons keeps its case's
-- receipt time, so a department's summoned cases sort with its dispatched ones.
ALTER TABLE cases ADD COLUMN district_org_id BIGINT;
UPDATE cases SET district_org_id = (
    SELECT d.id FROM orgs s JOIN orgs d ON d.id = s.parent_id
    WHERE s.id = cases.street_org_id AND d.level = 'district'
) WHERE street_org_id IS NOT NULL;
UPDATE cases SET district_org_id = (
    SELECT d.id FROM orgs cm JOIN orgs d ON d.id = cm.parent_id
    WHERE cm.id = cases.community_org_id AND d.level = 'district'
) WHERE district_org_id IS NULL AND community_org_id IS NOT NULL;

ALTER TABLE case_summons ADD COLUMN received_at TIMESTAMPTZ;
UPDATE case_summons SET received_at = (SELECT c.received_at FROM cases c WHERE c.id = case_summons.case_id);

-- Every index is written on each intake, so there are as few as the lists need: the city, a
-- district and a street list each status from its own index and merge the nine (a page
-- without a status filter reads at most nine short runs); a community's list, and a grid's
-- through its community, read one index; a department's through its own.
DROP INDEX cases_scope;
DROP INDEX cases_status;
DROP INDEX cases_department;
CREATE INDEX cases_status_recent ON cases (status, received_at, id);
CREATE INDEX cases_district_status_recent ON cases (district_org_id, status, received_at, id);
CREATE INDEX cases_street_status_recent ON cases (street_org_id, status, received_at, id);
CREATE INDEX cases_community_recent ON cases (community_org_id, received_at, id);
CREATE INDEX cases_department_recent ON cases (department_id, received_at, id) WHERE department_id IS NOT NULL;
CREATE INDEX cases_department_due ON cases (department_id, due_at, id) WHERE closed_at IS NULL;
-- Rare flags: small indexes holding only the cases that carry them.
CREATE INDEX cases_reworked_recent ON cases (received_at, id) WHERE reworks > 0;
CREATE INDEX cases_returned_recent ON cases (received_at, id) WHERE returns > 0;
CREATE INDEX cases_unsatisfied_recent ON cases (received_at, id) WHERE satisfaction = 'unsatisfied';
CREATE INDEX cases_manual_recent ON cases (received_at, id) WHERE routed = 'manual';
CREATE INDEX cases_late_recent ON cases (received_at, id)
    WHERE due_at IS NOT NULL AND (closed_at IS NULL OR closed_at > due_at);

CREATE INDEX case_summons_department_recent ON case_summons (department_id, received_at, case_id);
CREATE INDEX case_summons_department_due ON case_summons (department_id, due_at, case_id)
    WHERE reported_at IS NULL;
