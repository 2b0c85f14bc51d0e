-- A community's boundary as its street drew it (GeoJSON, WGS-84), with its bounding box for
-- finding the boundaries a new one might overlap. A community's grids lie within it.
CREATE TABLE community_boundaries (
    org_id BIGINT PRIMARY KEY REFERENCES orgs (id),
    geometry TEXT NOT NULL,
    min_lon DOUBLE PRECISION NOT NULL,
    min_lat DOUBLE PRECISION NOT NULL,
    max_lon DOUBLE PRECISION NOT NULL,
    max_lat DOUBLE PRECISION NOT NULL,
    drawn_by TEXT NOT NULL,
    drawn_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX community_boundaries_bbox ON community_boundaries (min_lon, max_lon, min_lat, max_lat);
