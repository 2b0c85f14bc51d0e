-- Each org's held meetings kept per month: the kinds held (one bit a kind, see
-- `MeetingKind::bit`), how many, and the attendances owed and missed. Compliance of a
-- period reads one row per org and month instead of every meeting; each meeting written
-- recounts its org's month.
CREATE TABLE meeting_months (
    org_id BIGINT NOT NULL,
    month BIGINT NOT NULL,
    kinds BIGINT NOT NULL,
    held BIGINT NOT NULL,
    expected BIGINT NOT NULL,
    absent BIGINT NOT NULL,
    PRIMARY KEY (org_id, month)
);
CREATE INDEX meeting_months_month ON meeting_months (month, org_id, kinds, held, expected, absent);
INSERT INTO meeting_months (org_id, month, kinds, held, expected, absent)
    SELECT org_id, month, {{month_tally}} FROM meetings WHERE status = 'held' GROUP BY org_id, month;
