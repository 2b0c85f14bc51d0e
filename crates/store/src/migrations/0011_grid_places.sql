-- What lies inside a grid, as points on its map: buildings with the households living in them,
-- and stationed units. A grid's `buildings` and `households` are kept as the count and sum of
-- its buildings, in the same transaction as each change.
CREATE TABLE grid_places (
    id {{id}},
    grid_id BIGINT NOT NULL REFERENCES grids(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    households BIGINT NOT NULL DEFAULT 0,
    unit_id BIGINT REFERENCES units(id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX grid_places_grid ON grid_places (grid_id, kind, name);
CREATE UNIQUE INDEX grid_places_unit ON grid_places (unit_id);
