-- Grid teams (网格队伍): the leader, full- and part-time grid workers, information officers
-- and volunteers of each grid.
CREATE TABLE grid_team (
    id {{id}},
    grid_id BIGINT NOT NULL REFERENCES grids(id),
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT,
    member_id BIGINT REFERENCES members(id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX grid_team_grid ON grid_team (grid_id, role);
CREATE UNIQUE INDEX grid_team_one_leader ON grid_team (grid_id) WHERE role = 'leader';
