-- 阵地: service positions where they stand, how large, what they hold, when they open and who
-- runs them; and the floor-area standards by kind and place (an empty org path for the whole
-- city; the deepest org naming a kind decides).
CREATE TABLE positions (
    id {{id}},
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    org_path {{path}} NOT NULL,
    unit_id BIGINT REFERENCES units(id),
    lon DOUBLE PRECISION NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    area_m2 BIGINT NOT NULL,
    rooms TEXT,
    facilities TEXT,
    hours TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX positions_scope ON positions (org_path, id);
CREATE INDEX positions_kind ON positions (kind, org_path, id);

CREATE TABLE position_standards (
    org_path {{path}} NOT NULL,
    kind TEXT NOT NULL,
    min_area_m2 BIGINT NOT NULL,
    PRIMARY KEY (org_path, kind)
);
-- Putian's street centres of at least 500 m² (seed 000) as the city's default; Lianyun's
-- 600 m² and Yiwu's 800 m² are set for their own districts.
INSERT INTO position_standards (org_path, kind, min_area_m2) VALUES ('', 'centre', 500);
