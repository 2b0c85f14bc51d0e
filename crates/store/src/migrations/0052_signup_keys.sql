-- Lighter writes for sign-ups, whose batches carry a hundred rows at a time.
-- A role is looked up with its activity (and on PostgreSQL a sign-up's role must belong to
-- its activity, below; the code checks it on both).
DROP INDEX activity_roles_activity;
CREATE UNIQUE INDEX activity_roles_activity ON activity_roles (activity_id, id);
-- On PostgreSQL one key checks both (the role, and through it the activity) where two did,
-- one check per row fewer; SQLite keeps its two.
{{signup_role_key}}
-- Only the carry-over of grid teams' volunteers (migration 50) looked volunteers up by their
-- grid team; every volunteer written since kept a row in this index for nothing.
DROP INDEX volunteers_carried;
-- The audit trail's time, which only grows as entries are appended: on PostgreSQL a block
-- range index finds a period as well and costs next to nothing to keep up on each append
-- (a batch of sign-ups appends two hundred); SQLite keeps its b-tree.
{{audit_time_index}}
