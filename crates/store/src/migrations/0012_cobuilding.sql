-- Co-building (共驻共建): one agreement per stationed unit per year with the community or
-- street it sits in, and the commitments (履职清单) it lists, each due by a date and marked
-- done on the day it was fulfilled.
CREATE TABLE agreements (
    id {{id}},
    unit_id BIGINT NOT NULL REFERENCES units(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    org_path {{path}} NOT NULL,
    year INTEGER NOT NULL,
    signed_on DATE NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX agreements_unit_year ON agreements (unit_id, year);
CREATE INDEX agreements_scope ON agreements (org_path, year);

CREATE TABLE commitments (
    id {{id}},
    agreement_id BIGINT NOT NULL REFERENCES agreements(id),
    title TEXT NOT NULL,
    due_on DATE NOT NULL,
    done_on DATE,
    done_by TEXT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX commitments_agreement ON commitments (agreement_id, due_on);
CREATE INDEX commitments_due ON commitments (due_on, agreement_id);
