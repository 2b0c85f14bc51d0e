-- Each audit entry records the id of the key that signed it (NULL: signed before keys, with
-- plain SHA-256), so verification checks each entry with its own key.
ALTER TABLE audit_log ADD COLUMN key_id TEXT;
