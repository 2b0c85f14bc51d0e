//! Adds a move's counts to the aggregate behind the rates, in the move's transaction.

use super::intake::month_of;
use crate::OpsError;
use chrono::{DateTime, Utc};
use jiceng_domain::cases::Action;
use jiceng_store::Tx;
use jiceng_store::cases::{self as store, CaseRow, Delta};

/// What a move adds to the counts, and the department it counts under: the one that made
/// or received the move (`step`), else the one holding the case. Each case counts once as
/// dispatched, returned and reworked however often it was.
pub fn accounting(
    action: Action,
    before: &CaseRow,
    after: &CaseRow,
    step: Option<i64>,
    now: DateTime<Utc>,
) -> (Delta, Option<i64>) {
    let mut d = Delta::default();
    match action {
        Action::Register => d.received = 1,
        Action::Dispatch => d.dispatched = i64::from(before.dispatched_at.is_none()),
        Action::Accept => {
            d.responded_on_time = i64::from(after.response_due_at.is_some_and(|due| now <= due));
        }
        Action::Return => d.returned = i64::from(before.returns == 0),
        Action::Verify { fixed: true } => {
            d.closed = 1;
            d.closed_on_time = i64::from(after.due_at.is_none_or(|due| now <= due));
            d.handling_minutes = (now - after.received_at).num_minutes();
        }
        Action::Verify { fixed: false } => d.reworked = i64::from(before.reworks == 0),
        Action::FollowUp(s) => {
            d.followed_up = 1;
            d.satisfied = i64::from(s.counts_satisfied());
        }
        _ => {}
    }
    (d, step.or(after.department_id))
}

pub(crate) async fn bump(tx: &mut Tx, c: &CaseRow, d: Delta) -> Result<(), OpsError> {
    store::bump(
        tx,
        month_of(c),
        c.street_org_id.unwrap_or(0),
        c.department_id.unwrap_or(0),
        c.category_top.as_deref().unwrap_or("unclassified"),
        &d,
    )
    .await?;
    Ok(())
}

/// Counts newly registered cases, one upsert per (month, street, category) they fall in.
pub(crate) async fn bump_received(tx: &mut Tx, cases: &[&CaseRow]) -> Result<(), OpsError> {
    let mut by_key: std::collections::BTreeMap<(i64, i64, String), i64> = Default::default();
    for c in cases {
        let key = (
            month_of(c),
            c.street_org_id.unwrap_or(0),
            c.category_top
                .clone()
                .unwrap_or_else(|| "unclassified".into()),
        );
        *by_key.entry(key).or_default() += 1;
    }
    for ((month, street, top), n) in by_key {
        let d = Delta {
            received: n,
            ..Delta::default()
        };
        store::bump(tx, month, street, 0, &top, &d).await?;
    }
    Ok(())
}
