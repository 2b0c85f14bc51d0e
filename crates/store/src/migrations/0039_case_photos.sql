-- Photos of a case's steps: at intake, before and after the handling unit's work (处置前/后)
-- and at verification. Only re-encoded copies are kept (a display copy and a thumbnail), so
-- no stored file carries the phone's EXIF or GPS data.
CREATE TABLE case_photos (
    id {{id}},
    case_id BIGINT NOT NULL REFERENCES cases(id),
    stage TEXT NOT NULL,
    file_name TEXT NOT NULL,
    shown_as TEXT NOT NULL UNIQUE,
    thumb_as TEXT NOT NULL UNIQUE,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    size_bytes BIGINT NOT NULL,
    taken_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_photos_case ON case_photos (case_id, id);

-- Whether the reporter lets the case's photos show on the public tracking page.
ALTER TABLE cases ADD COLUMN photos_public BOOLEAN NOT NULL DEFAULT FALSE;

-- How often each category (小类) was chosen for a case, kept on intake and registration, so a
-- phone's case form offers the most used first without counting cases.
CREATE TABLE case_category_uses (
    category TEXT PRIMARY KEY,
    uses BIGINT NOT NULL
);
INSERT INTO case_category_uses (category, uses)
    SELECT category, COUNT(*) FROM cases WHERE category IS NOT NULL GROUP BY category;
