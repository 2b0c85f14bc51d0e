-- Cases closed in a period, for the assessment of the grid branches that handled them.
CREATE INDEX cases_closed ON cases (closed_at, org_path) WHERE closed_at IS NOT NULL;
