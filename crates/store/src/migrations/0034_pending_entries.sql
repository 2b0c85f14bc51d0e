-- The queue of manual points entries waiting for approval pages by keyset, oldest first, off
-- the waiting entries alone however many have been decided.
CREATE INDEX points_entries_pending ON points_entries (created_at, id) WHERE status = 'pending';
