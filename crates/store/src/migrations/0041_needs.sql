-- 需求清单: the categories needs and resources are filed under (data, not code: a city adds
-- its own), the needs themselves, and the figures kept as they change.
CREATE TABLE need_categories (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    parent_code TEXT REFERENCES need_categories(code),
    position BIGINT NOT NULL
);
-- Yiwu's four (文化娱乐 39%, 社区管理 23%, 便民服务 12%, 就业创业 9%) and the rest as 其他.
INSERT INTO need_categories (code, name, parent_code, position) VALUES
    ('culture', '文化娱乐', NULL, 1),
    ('management', '社区管理', NULL, 2),
    ('convenience', '便民服务', NULL, 3),
    ('employment', '就业创业', NULL, 4),
    ('other', '其他', NULL, 5);
INSERT INTO need_categories (code, name, parent_code, position) VALUES
    ('culture.arts', '文艺活动', 'culture', 1),
    ('culture.sports', '体育健身', 'culture', 2),
    ('culture.reading', '读书学习', 'culture', 3),
    ('culture.elderly', '老年活动', 'culture', 4),
    ('culture.children', '青少年活动', 'culture', 5),
    ('management.sanitation', '环境卫生', 'management', 1),
    ('management.parking', '停车管理', 'management', 2),
    ('management.property', '物业服务', 'management', 3),
    ('management.safety', '安全隐患', 'management', 4),
    ('management.facilities', '设施维护', 'management', 5),
    ('convenience.repair', '家电维修', 'convenience', 1),
    ('convenience.haircut', '理发', 'convenience', 2),
    ('convenience.meals', '助餐送餐', 'convenience', 3),
    ('convenience.health', '医疗健康', 'convenience', 4),
    ('convenience.errands', '代办跑腿', 'convenience', 5),
    ('employment.training', '技能培训', 'employment', 1),
    ('employment.jobs', '招聘信息', 'employment', 2),
    ('employment.startup', '创业指导', 'employment', 3),
    ('other.legal', '法律咨询', 'other', 1),
    ('other.assistance', '困难帮扶', 'other', 2),
    ('other.misc', '其他事项', 'other', 3);

CREATE TABLE needs (
    id {{id}},
    community_org_id BIGINT NOT NULL REFERENCES orgs(id),
    community_path {{path}} NOT NULL,
    street_org_id BIGINT,
    district_org_id BIGINT,
    category TEXT NOT NULL REFERENCES need_categories(code),
    top_category TEXT NOT NULL,
    title TEXT NOT NULL,
    title_key TEXT NOT NULL,
    detail TEXT,
    -- The words of title and detail (jieba), space-separated, for matching.
    words TEXT NOT NULL,
    place_id BIGINT REFERENCES grid_places(id),
    grid_id BIGINT REFERENCES grids(id),
    lon DOUBLE PRECISION,
    lat DOUBLE PRECISION,
    urgency TEXT NOT NULL,
    people BIGINT NOT NULL,
    -- The same need posted again adds its poster here instead of a second row.
    supporters BIGINT NOT NULL DEFAULT 1,
    wanted_from DATE,
    wanted_until DATE,
    source TEXT NOT NULL,
    resident_id BIGINT REFERENCES residents(id),
    unit_id BIGINT REFERENCES units(id),
    -- The year's co-building agreement of the unit that raised or offers it (its content).
    agreement_id BIGINT REFERENCES agreements(id),
    status TEXT NOT NULL,
    merged_into BIGINT REFERENCES needs(id),
    met_by TEXT,
    met_on DATE,
    outcome TEXT,
    rating BIGINT,
    rating_note TEXT,
    reviewed_by TEXT,
    posted_on DATE NOT NULL,
    year BIGINT NOT NULL,
    posted_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
-- A scope's needs of one status, newest first (and of every status, for the whole list).
CREATE INDEX needs_community ON needs (community_org_id, status, id);
CREATE INDEX needs_street ON needs (street_org_id, status, id);
CREATE INDEX needs_district ON needs (district_org_id, status, id);
CREATE INDEX needs_status ON needs (status, id);
CREATE INDEX needs_community_all ON needs (community_org_id, id);
CREATE INDEX needs_street_all ON needs (street_org_id, id);
CREATE INDEX needs_district_all ON needs (district_org_id, id);
-- The same need posted twice: an open one of the community with the same title.
CREATE INDEX needs_same ON needs (community_org_id, title_key, status);
-- A resident's own needs.
CREATE INDEX needs_resident ON needs (resident_id, id);

-- Figures kept as needs change, per org (a community, its street, its district; 0 for the
-- whole city), year and top category: needs collected and needs met, with the days each
-- took to meet as a histogram, from which the median is read.
CREATE TABLE need_tallies (
    org_id BIGINT NOT NULL,
    year BIGINT NOT NULL,
    top_category TEXT NOT NULL,
    collected BIGINT NOT NULL,
    met BIGINT NOT NULL,
    PRIMARY KEY (org_id, year, top_category)
);
CREATE TABLE need_met_days (
    org_id BIGINT NOT NULL,
    year BIGINT NOT NULL,
    days BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (org_id, year, days)
);
CREATE INDEX needs_agreement ON needs (agreement_id, status);
CREATE INDEX needs_unit ON needs (unit_id, year);
