-- A year's co-building agreements in a scope page by keyset in the order of their orgs (then
-- as signed), off one index.
CREATE INDEX agreements_year_scope ON agreements (year, org_path, id);
