-- 相互开放阵地: rooms of service positions and units' venues, some opened for others to book;
-- their opening hours (minutes from midnight, Shanghai), closed weekdays (a bit per weekday,
-- Monday the lowest), closed days, the buffer left after each booking and how long an
-- unattended booking holds. A booking blocks its room from its start to its end plus the
-- buffer while pending, approved or checked in. The check runs in the writing transaction
-- (writers are serialised, on both backends); on PostgreSQL an exclusion constraint holds the
-- same rule in the database itself, against any writer.
CREATE TABLE rooms (
    id {{id}},
    name TEXT NOT NULL,
    position_id BIGINT REFERENCES positions(id),
    unit_id BIGINT REFERENCES units(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    org_path {{path}} NOT NULL,
    capacity BIGINT NOT NULL,
    opens_minute BIGINT NOT NULL,
    closes_minute BIGINT NOT NULL,
    closed_weekdays BIGINT NOT NULL,
    buffer_minutes BIGINT NOT NULL,
    release_minutes BIGINT NOT NULL,
    shared BOOLEAN NOT NULL,
    needs_approval BOOLEAN NOT NULL,
    facilities TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX rooms_scope ON rooms (org_path, id);
CREATE INDEX rooms_shared ON rooms (shared, id);
CREATE INDEX rooms_unit ON rooms (unit_id, id);

CREATE TABLE room_closures (
    room_id BIGINT NOT NULL REFERENCES rooms(id),
    day DATE NOT NULL,
    PRIMARY KEY (room_id, day)
);

CREATE TABLE bookings (
    id {{id}},
    room_id BIGINT NOT NULL REFERENCES rooms(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    org_path {{path}} NOT NULL,
    purpose TEXT NOT NULL,
    starts_at TIMESTAMPTZ NOT NULL,
    ends_at TIMESTAMPTZ NOT NULL,
    blocked_until TIMESTAMPTZ NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    series_id BIGINT,
    checked_in_at TIMESTAMPTZ,
    decided_by TEXT,
    booked_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    -- The booking org's district, street and community, for the lists of a scope.
    district_org_id BIGINT,
    street_org_id BIGINT,
    community_org_id BIGINT
);
-- The conflict check reads a room's bookings starting from the longest block before the asked
-- start up to its end.
CREATE INDEX bookings_room ON bookings (room_id, starts_at, id);
CREATE INDEX bookings_booker ON bookings (org_path, starts_at, id);
CREATE INDEX bookings_district ON bookings (district_org_id, starts_at, id);
CREATE INDEX bookings_street ON bookings (street_org_id, starts_at, id);
CREATE INDEX bookings_community ON bookings (community_org_id, starts_at, id);
CREATE INDEX bookings_recent ON bookings (starts_at, id);
-- What waits for a keeper's decision.
CREATE INDEX bookings_pending ON bookings (starts_at, id) WHERE state = 'pending';
CREATE INDEX bookings_due ON bookings (starts_at) WHERE state = 'approved' AND checked_in_at IS NULL;
{{booking_exclusion}}

-- A meeting may be held at a registered service position (its place in words stays for others).
ALTER TABLE meetings ADD COLUMN position_id BIGINT REFERENCES positions(id);
