//! Escalation (督办升级): a case past its deadline is put under yellow supervision; one
//! overdue by its whole allowed time again goes red. The server runs this every few minutes;
//! each escalation is an ordinary move, recorded and audited, by the system.

use super::moves::{self, Move};
use crate::{Actor, OpsError};
use chrono::{DateTime, Utc};
use jiceng_domain::cases::Supervision;
use jiceng_store::Db;
use jiceng_store::cases as store;

/// The level a case at `now` calls for, if any.
pub fn level(
    dispatched: DateTime<Utc>,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<Supervision> {
    if now <= due {
        None
    } else if now > due + (due - dispatched) {
        Some(Supervision::Red)
    } else {
        Some(Supervision::Yellow)
    }
}

/// Raises supervision on every overdue case that needs it; returns how many were raised.
pub async fn run(db: &Db, now: DateTime<Utc>) -> Result<usize, OpsError> {
    let system = Actor::Operator {
        name: "system:escalation".into(),
    };
    let due = store::overdue(&mut db.read().await?, now, 1000).await?;
    let mut raised = 0;
    for (id, dispatched, due_at, current) in due {
        let Some(wanted) = level(dispatched, due_at, now) else {
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
        moves::apply(db, &system, id, m).await?;
        raised += 1;
    }
    Ok(raised)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn yellow_once_late_red_once_late_by_the_whole_limit_again() {
        let t0 = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap();
        let due = t0 + Duration::hours(24);
        assert_eq!(level(t0, due, due), None);
        assert_eq!(
            level(t0, due, due + Duration::hours(1)),
            Some(Supervision::Yellow)
        );
        assert_eq!(
            level(t0, due, due + Duration::hours(25)),
            Some(Supervision::Red)
        );
    }
}
