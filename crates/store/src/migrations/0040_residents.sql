-- Residents (群众) as users. A resident's account is a `users` row of role `resident` with no
-- password (it signs in with a code sent to the phone); this row holds the phone, the
-- community and building they name, and the community's confirmation.
CREATE TABLE residents (
    id {{id}},
    user_id BIGINT NOT NULL UNIQUE REFERENCES users(id),
    phone TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    community_org_id BIGINT NOT NULL REFERENCES orgs(id),
    community_path {{path}} NOT NULL,
    street_org_id BIGINT,
    district_org_id BIGINT,
    place_id BIGINT REFERENCES grid_places(id),
    status TEXT NOT NULL,
    reviewed_by TEXT,
    reviewed_at TIMESTAMPTZ,
    refusal TEXT,
    created_at TIMESTAMPTZ NOT NULL
);
-- A scope's residents of one status (the confirmation queue first), newest first.
CREATE INDEX residents_community ON residents (community_org_id, status, id);
CREATE INDEX residents_street ON residents (street_org_id, status, id);
CREATE INDEX residents_district ON residents (district_org_id, status, id);
CREATE INDEX residents_status ON residents (status, id);

-- The one live sign-in code of each number: only its hash, when it lapses, how many wrong
-- tries it has taken, and when it was sent (for the wait before another).
CREATE TABLE sign_in_codes (
    phone TEXT PRIMARY KEY,
    code_hash TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    wrong_tries BIGINT NOT NULL DEFAULT 0,
    sent_at TIMESTAMPTZ NOT NULL
);
