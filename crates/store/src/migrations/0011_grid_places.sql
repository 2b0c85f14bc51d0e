-- What lies inside a grid, as points on its map: buildings with the households living in them,
-- and stationed units. Each building mapped adds itself and its households to its grid's
-- `buildings` and `households` in the same transaction (and taking it off subtracts them).
-- Grids drawn before this keep the figures typed for them as a baseline that mapped buildings
-- add to; nothing typed is thrown away.
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
