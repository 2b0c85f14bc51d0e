-- Each run of an import job is numbered: a run that lost its job to a later one (its server
-- stopped, and the job was run again) writes nothing more.
ALTER TABLE import_jobs ADD COLUMN run BIGINT NOT NULL DEFAULT 0;
