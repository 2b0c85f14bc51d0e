//! Adds a move's counts to the aggregate behind the rates, in the move's transaction.
//!
//! Each case answers to one holder in `case_stats`: the department it is dispatched to, or 0
//! while the community or street handles it (社区、街道自办). Its 立案数 (received) moves with
//! it when it is dispatched or handed back, so the holders' lines add up to the cases. A
//! department a whistle summoned besides the holder answers for the case too: it gets its
//! share (received and the outcome) in `case_shared_stats`, which only a department's own
//! figures read, never a total.

use super::intake::month_of;
use crate::OpsError;
use chrono::{DateTime, Utc};
use jiceng_domain::cases::Action;
use jiceng_store::Tx;
use jiceng_store::cases::{self as store, CaseRow, Delta};

/// One addition to the counts: the department it counts under (0 for none), and whether it
/// is a summoned department's share.
#[derive(Debug, Clone, PartialEq)]
pub struct Bump {
    pub department: i64,
    pub shared: bool,
    pub delta: Delta,
}

/// What the move itself adds, to the department that made or received it (`step`), else
/// the holder. Every dispatch and every return counts, so a department's 响应率 and 回退率
/// are of the dispatches it received; a case counts once as reworked however often it was.
fn own(action: Action, before: &CaseRow, after: &CaseRow, now: DateTime<Utc>) -> Delta {
    let mut d = Delta::default();
    match action {
        Action::Register => d.received = 1,
        Action::Dispatch => d.dispatched = 1,
        Action::Accept => {
            d.responded_on_time = i64::from(after.response_due_at.is_some_and(|due| now <= due));
        }
        Action::Return => d.returned = 1,
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
    d
}

/// The part of a move's counts every department answering for the case shares: how it ended.
fn outcome(d: &Delta) -> Delta {
    Delta {
        closed: d.closed,
        closed_on_time: d.closed_on_time,
        handling_minutes: d.handling_minutes,
        reworked: d.reworked,
        followed_up: d.followed_up,
        satisfied: d.satisfied,
        ..Delta::default()
    }
}

fn received(n: i64) -> Delta {
    Delta {
        received: n,
        ..Delta::default()
    }
}

/// What a move adds to the counts. `summoned` holds the departments a whistle summoned to
/// the case before the move and after it.
pub fn accounting(
    action: Action,
    before: &CaseRow,
    after: &CaseRow,
    step: Option<i64>,
    summoned: (&[i64], &[i64]),
    now: DateTime<Utc>,
) -> Vec<Bump> {
    let mut out = Vec::new();
    let mut add = |department: i64, shared: bool, delta: Delta| {
        if delta != Delta::default() {
            out.push(Bump {
                department,
                shared,
                delta,
            });
        }
    };
    let d = own(action, before, after, now);
    let (was, is) = (
        before.department_id.unwrap_or(0),
        after.department_id.unwrap_or(0),
    );
    add(step.or(after.department_id).unwrap_or(0), false, d);
    if was != is && before.registered_at.is_some() {
        add(was, false, received(-1));
        add(is, false, received(1));
    }
    let others = |all: &[i64], holder: i64| -> Vec<i64> {
        let mut v: Vec<i64> = all.iter().copied().filter(|d| *d != holder).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let (before_others, after_others) = (others(summoned.0, was), others(summoned.1, is));
    for d in after_others.iter().filter(|d| !before_others.contains(d)) {
        add(*d, true, received(1));
    }
    for d in before_others.iter().filter(|d| !after_others.contains(d)) {
        add(*d, true, received(-1));
    }
    let shared = outcome(&d);
    for d in &after_others {
        add(*d, true, shared);
    }
    out
}

/// Adds the bumps to the case's (month, street, department, category) rows.
pub(crate) async fn apply(tx: &mut Tx, c: &CaseRow, bumps: &[Bump]) -> Result<(), OpsError> {
    for b in bumps {
        store::bump(
            tx,
            b.shared,
            month_of(c),
            c.street_org_id.unwrap_or(0),
            b.department,
            c.category_top.as_deref().unwrap_or("unclassified"),
            &b.delta,
        )
        .await?;
    }
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
        store::bump(tx, false, month, street, 0, &top, &received(n)).await?;
    }
    Ok(())
}
