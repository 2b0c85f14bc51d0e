-- An uploaded file waiting to be mapped, checked or imported, with its progress and report,
-- so a large file runs in the background and any server process can show how far it got.
-- Only its owner sees it; jobs older than a week are removed as new ones come.
CREATE TABLE import_jobs (
    id {{id}},
    owner TEXT NOT NULL,
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file {{bytes}} NOT NULL,
    header TEXT NOT NULL,
    samples TEXT NOT NULL,
    state TEXT NOT NULL,
    total BIGINT NOT NULL DEFAULT 0,
    done BIGINT NOT NULL DEFAULT 0,
    report TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX import_jobs_owner ON import_jobs (owner, id);
CREATE INDEX import_jobs_created ON import_jobs (created_at);

-- How the last file with these headers was mapped, to offer it for the next.
CREATE TABLE import_mappings (
    signature TEXT PRIMARY KEY,
    fields TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
