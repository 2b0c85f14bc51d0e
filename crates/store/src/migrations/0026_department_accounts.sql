-- A department answers for the cases dispatched or whistled to it. The holder's 立案数 now
-- moves with the case (it was kept under "no department" for every case), and the
-- departments a whistle summoned besides the holder get their share of each case here:
-- received, and how it ended. Only a department's own figures read these rows, never a total.
CREATE TABLE case_shared_stats (
    month BIGINT NOT NULL,
    street_org_id BIGINT NOT NULL,
    department_id BIGINT NOT NULL,
    category_top TEXT NOT NULL,
    received BIGINT NOT NULL DEFAULT 0,
    dispatched BIGINT NOT NULL DEFAULT 0,
    responded_on_time BIGINT NOT NULL DEFAULT 0,
    returned BIGINT NOT NULL DEFAULT 0,
    closed BIGINT NOT NULL DEFAULT 0,
    closed_on_time BIGINT NOT NULL DEFAULT 0,
    reworked BIGINT NOT NULL DEFAULT 0,
    handling_minutes BIGINT NOT NULL DEFAULT 0,
    followed_up BIGINT NOT NULL DEFAULT 0,
    satisfied BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (month, street_org_id, department_id, category_top)
);

-- The registered cases each department holds, moved out of "no department".
CREATE TABLE held_cases AS
SELECT {{received_month}} AS month, COALESCE(c.street_org_id, 0) AS street_org_id,
       c.department_id, COALESCE(c.category_top, 'unclassified') AS category_top, COUNT(*) AS n
FROM cases c WHERE c.department_id IS NOT NULL AND c.registered_at IS NOT NULL
GROUP BY 1, 2, 3, 4;

UPDATE case_stats SET received = received - COALESCE((SELECT SUM(h.n) FROM held_cases h
    WHERE h.month = case_stats.month AND h.street_org_id = case_stats.street_org_id
      AND h.category_top = case_stats.category_top), 0)
WHERE department_id = 0;

INSERT INTO case_stats (month, street_org_id, department_id, category_top, received)
SELECT month, street_org_id, department_id, category_top, n FROM held_cases WHERE n > 0
ON CONFLICT (month, street_org_id, department_id, category_top)
DO UPDATE SET received = case_stats.received + excluded.received;

DROP TABLE held_cases;

-- Each summoned department other than the holder: the case, and how it ended.
INSERT INTO case_shared_stats (month, street_org_id, department_id, category_top, received,
    closed, closed_on_time, reworked, handling_minutes, followed_up, satisfied)
SELECT {{received_month}}, COALESCE(c.street_org_id, 0), s.department_id,
       COALESCE(c.category_top, 'unclassified'), COUNT(*),
       SUM(CASE WHEN c.closed_at IS NOT NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN c.closed_at IS NOT NULL AND {{closed_on_time}} THEN 1 ELSE 0 END),
       SUM(CASE WHEN c.reworks > 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN c.closed_at IS NOT NULL THEN {{handling_minutes}} ELSE 0 END),
       SUM(CASE WHEN c.satisfaction IS NOT NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN c.satisfaction IN ('satisfied', 'basic') THEN 1 ELSE 0 END)
FROM case_summons s JOIN cases c ON c.id = s.case_id
WHERE c.department_id IS NULL OR c.department_id <> s.department_id
GROUP BY 1, 2, 3, 4;
