-- 红色代办: errands residents ask for and party members run. `hold_until` is when a taken
-- errand returns to the pool if not done; `due_at` when an undone one lapses.
CREATE TABLE errands (
    id {{id}},
    community_org_id BIGINT NOT NULL REFERENCES orgs(id),
    community_path {{path}} NOT NULL,
    street_org_id BIGINT,
    district_org_id BIGINT,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    detail TEXT,
    resident_id BIGINT REFERENCES residents(id),
    -- Who it is for, as a worker wrote it, when the resident has no account.
    for_whom TEXT,
    place_id BIGINT REFERENCES grid_places(id),
    need_id BIGINT REFERENCES needs(id),
    due_at TIMESTAMPTZ NOT NULL,
    status TEXT NOT NULL,
    member_id BIGINT REFERENCES members(id),
    taken_at TIMESTAMPTZ,
    hold_until TIMESTAMPTZ,
    done_at TIMESTAMPTZ,
    done_note TEXT,
    confirmed_on DATE,
    rating BIGINT,
    posted_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX errands_community ON errands (community_org_id, status, id);
CREATE INDEX errands_street ON errands (street_org_id, status, id);
CREATE INDEX errands_district ON errands (district_org_id, status, id);
CREATE INDEX errands_status ON errands (status, id);
CREATE INDEX errands_resident ON errands (resident_id, id);
-- A member's errands, and those confirmed in a period (points).
CREATE INDEX errands_member ON errands (member_id, confirmed_on);
CREATE INDEX errands_confirmed ON errands (confirmed_on, member_id);
-- Those time may overtake: held ones by the end of the hold, open ones by the deadline.
CREATE INDEX errands_hold ON errands (status, hold_until);
CREATE INDEX errands_due ON errands (status, due_at);
