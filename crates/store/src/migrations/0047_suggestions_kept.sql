-- The suggestions are kept as matching last scored them, to be written again in bulk: half a
-- million rows a refresh. Why each suits its need is drawn when it is shown, from the need
-- and the resource as they stand, rather than written with every row; and the table holds
-- no foreign keys (checking two for every row written doubled the refresh on PostgreSQL):
-- needs and resources are never deleted, and a need that closes or a resource withdrawn
-- takes its suggestions with it in the same transaction.
CREATE TABLE need_suggestions_kept (
    need_id BIGINT NOT NULL,
    rank BIGINT NOT NULL,
    resource_id BIGINT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (need_id, rank)
);
INSERT INTO need_suggestions_kept (need_id, rank, resource_id, score)
    SELECT need_id, rank, resource_id, score FROM need_suggestions;
DROP TABLE need_suggestions;
ALTER TABLE need_suggestions_kept RENAME TO need_suggestions;
CREATE INDEX need_suggestions_resource ON need_suggestions (resource_id);
-- When each need was last scored on its own: a bulk refresh begun before leaves it alone.
ALTER TABLE needs ADD COLUMN scored_at TIMESTAMPTZ;
