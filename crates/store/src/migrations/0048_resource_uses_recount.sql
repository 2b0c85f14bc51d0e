-- Resources used count only the projects not dropped: counted again from the projects, as
-- those dropped before this rule still counted.
DELETE FROM resource_uses;
INSERT INTO resource_uses (org_id, year, resource_id)
    SELECT DISTINCT p.community_org_id, p.year, pr.resource_id FROM project_resources pr
    JOIN projects p ON p.id = pr.project_id WHERE p.status <> 'dropped';
INSERT INTO resource_uses (org_id, year, resource_id)
    SELECT DISTINCT p.street_org_id, p.year, pr.resource_id FROM project_resources pr
    JOIN projects p ON p.id = pr.project_id WHERE p.status <> 'dropped' AND p.street_org_id IS NOT NULL;
INSERT INTO resource_uses (org_id, year, resource_id)
    SELECT DISTINCT p.district_org_id, p.year, pr.resource_id FROM project_resources pr
    JOIN projects p ON p.id = pr.project_id WHERE p.status <> 'dropped' AND p.district_org_id IS NOT NULL;
INSERT INTO resource_uses (org_id, year, resource_id)
    SELECT DISTINCT 0, p.year, pr.resource_id FROM project_resources pr
    JOIN projects p ON p.id = pr.project_id WHERE p.status <> 'dropped';
