-- The pairs a year owes in 双向评价, kept as rows so a scope's list is one index range and its
-- progress a sum over kept tallies, instead of a union over the registrations on each request.
-- A year is kept from its first listing (`evaluation_years`); from then on registering,
-- ending a registration, grading, withdrawing a grade and moving an org keep it in the same
-- transaction. `rater_path` is the path of the grading side: the community for its grades of
-- members and units, the unit's party org for the unit's grade of the community.
CREATE TABLE evaluation_years (
    year INTEGER PRIMARY KEY,
    built_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE evaluation_pairs (
    year INTEGER NOT NULL,
    subject TEXT NOT NULL,
    community_org_id BIGINT NOT NULL,
    -- The member for 'member', the unit otherwise.
    rated_id BIGINT NOT NULL,
    rater_path {{path}} NOT NULL,
    evaluation_id BIGINT,
    PRIMARY KEY (year, subject, community_org_id, rated_id)
);
CREATE INDEX evaluation_pairs_scope ON evaluation_pairs (year, rater_path, subject, rated_id, community_org_id);
CREATE INDEX evaluation_pairs_subject ON evaluation_pairs (year, subject, rater_path, rated_id, community_org_id);
CREATE INDEX evaluation_pairs_scope_pending ON evaluation_pairs (year, rater_path, subject, rated_id, community_org_id)
    WHERE evaluation_id IS NULL;
CREATE INDEX evaluation_pairs_subject_pending ON evaluation_pairs (year, subject, rater_path, rated_id, community_org_id)
    WHERE evaluation_id IS NULL;
CREATE INDEX evaluation_pairs_rated ON evaluation_pairs (rated_id, community_org_id);
-- Pairs owed and graded per year, grading org and subject.
CREATE TABLE evaluation_tallies (
    year INTEGER NOT NULL,
    rater_path {{path}} NOT NULL,
    subject TEXT NOT NULL,
    owed BIGINT NOT NULL,
    done BIGINT NOT NULL,
    PRIMARY KEY (year, rater_path, subject)
);
