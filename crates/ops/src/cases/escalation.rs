//! Escalation (督办升级) by the deployment's rules (`Classification::escalation`): a late case
//! is put under yellow supervision, then red. Every server runs this every few minutes, but
//! only the one holding the job's lease works, and a level a case already has is refused by
//! the state machine, so each escalation is written once; it is an ordinary move, recorded
//! and audited, by the system.

use super::moves::{self, Move};
use crate::{Actor, OpsError};
use chrono::{DateTime, Utc};
use jiceng_domain::cases::Supervision;
use jiceng_store::Db;
use jiceng_store::cases as store;

/// The lease key of the escalation job.
const JOB: i64 = 7_231_002;

/// Raises supervision on every overdue case that needs it; returns how many were raised (none
/// when another process holds the job now).
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "run"))]
pub async fn run(db: &Db, now: DateTime<Utc>) -> Result<usize, OpsError> {
    let Some(lease) = db.lease(JOB).await? else {
        return Ok(0);
    };
    let raised = raise(db, now).await;
    lease.release().await?;
    raised
}

async fn raise(db: &Db, now: DateTime<Utc>) -> Result<usize, OpsError> {
    let system = Actor::Operator {
        name: "system:escalation".into(),
    };
    let rules = super::settings::classification(db).await?.escalation;
    let due = store::overdue(&mut db.read().await?, now, 1000).await?;
    let mut raised = 0;
    for (id, dispatched, due_at, current) in due {
        let Some(wanted) = rules.level(dispatched, due_at, now) else {
            continue;
        };
        let current = current.as_deref().and_then(|c| Supervision::parse(c).ok());
        if current == Some(wanted) || current == Some(Supervision::Red) {
            continue;
        }
        let m = Move {
            action: Some("supervise".into()),
            level: Some(wanted.code().into()),
            note: Some("超过办理时限，自动督办".into()),
            ..Move::default()
        };
        match moves::apply(db, &system, id, m).await {
            Ok(_) => raised += 1,
            // Raised meanwhile (by a server whose lease ended before ours began), or closed.
            Err(OpsError::Invalid(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(raised)
}
