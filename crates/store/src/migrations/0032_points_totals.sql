-- Points totals kept per scheme, period and member, so a ranking of any scope is a range of
-- one index. The current and previous period of a scheme are kept from their first ranking
-- (`points_kept`; an administrator may keep others); from then on every write that changes
-- a member's points recomputes theirs in the same transaction. Members keep their org's district, street and community here, as cases do.
CREATE TABLE points_kept (
    scheme TEXT NOT NULL,
    period TEXT NOT NULL,
    built_at TIMESTAMPTZ NOT NULL,
    -- The scheme as it was counted: a kept period whose scheme changed is counted again.
    scheme_doc TEXT NOT NULL,
    PRIMARY KEY (scheme, period)
);
CREATE TABLE points_totals (
    scheme TEXT NOT NULL,
    period TEXT NOT NULL,
    member_id BIGINT NOT NULL,
    district_org_id BIGINT,
    street_org_id BIGINT,
    community_org_id BIGINT,
    org_path {{path}} NOT NULL,
    total BIGINT NOT NULL,
    PRIMARY KEY (scheme, period, member_id)
);
CREATE INDEX points_totals_city ON points_totals (scheme, period, total DESC, member_id);
CREATE INDEX points_totals_district ON points_totals (scheme, period, district_org_id, total DESC, member_id);
CREATE INDEX points_totals_street ON points_totals (scheme, period, street_org_id, total DESC, member_id);
CREATE INDEX points_totals_community ON points_totals (scheme, period, community_org_id, total DESC, member_id);
CREATE INDEX points_totals_path ON points_totals (scheme, period, org_path);
