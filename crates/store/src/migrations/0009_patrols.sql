-- Patrols (走访巡查) logged by grid workers, and the cases their findings became.
CREATE TABLE patrols (
    id {{id}},
    grid_id BIGINT NOT NULL REFERENCES grids(id),
    worker_user_id BIGINT REFERENCES users(id),
    worker TEXT NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    ended_at TIMESTAMPTZ NOT NULL,
    minutes BIGINT NOT NULL,
    visits BIGINT NOT NULL,
    findings TEXT,
    track TEXT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX patrols_worker ON patrols (worker, started_at);
CREATE INDEX patrols_grid ON patrols (grid_id, started_at);

CREATE TABLE patrol_cases (
    patrol_id BIGINT NOT NULL REFERENCES patrols(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    PRIMARY KEY (patrol_id, case_id)
);
