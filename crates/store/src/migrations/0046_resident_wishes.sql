-- Micro-wishes residents post themselves: whose they are (the resident's record), why the
-- community refused one, and the resident's rating of one fulfilled.
ALTER TABLE wishes ADD COLUMN resident_id BIGINT REFERENCES residents(id);
ALTER TABLE wishes ADD COLUMN refusal TEXT;
ALTER TABLE wishes ADD COLUMN rating BIGINT;
ALTER TABLE wishes ADD COLUMN rating_note TEXT;
CREATE INDEX wishes_resident ON wishes (resident_id, posted_on, id);
