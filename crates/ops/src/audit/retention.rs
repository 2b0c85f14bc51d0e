//! How long audit entries and login-log lines are kept: a setting of at least 180 days that
//! the security administrator may raise. Nothing deletes them inside it; past it, the operator
//! may archive them.

use crate::{Actor, OpsError};
use jiceng_domain::accounts::Duty;
use jiceng_domain::audit::{MIN_RETENTION_DAYS, keep_from, retention_days};
use jiceng_domain::clock;
use jiceng_store::assessment::{set_setting, setting};
use jiceng_store::{Db, Tx, audit};
use serde::Serialize;

const KEY: &str = "log_retention_days";

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Retention {
    pub days: i64,
    /// The floor no setting goes below.
    pub min_days: i64,
    /// Entries from this day on are kept; an archive takes only older ones.
    pub keep_from: chrono::NaiveDate,
}

pub(crate) async fn days_in(tx: &mut Tx) -> Result<i64, OpsError> {
    Ok(setting(tx, KEY)
        .await?
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(MIN_RETENTION_DAYS)
        .max(MIN_RETENTION_DAYS))
}

fn shown(days: i64) -> Retention {
    Retention {
        days,
        min_days: MIN_RETENTION_DAYS,
        keep_from: keep_from(clock::today(), days),
    }
}

/// The retention in force: for those who read the logs or set it.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "retention"))]
pub async fn retention(db: &Db, actor: &Actor) -> Result<Retention, OpsError> {
    actor
        .may_read_audit()
        .map(|_| ())
        .or_else(|_| actor.may_duty(Duty::Security))?;
    Ok(shown(days_in(&mut db.read().await?).await?))
}

/// Sets the retention: the security administrator's duty, never below the floor.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "set_retention"))]
pub async fn set_retention(db: &Db, actor: &Actor, days: i64) -> Result<Retention, OpsError> {
    actor.may_duty(Duty::Security)?;
    let days = retention_days(days)?;
    let mut tx = db.write().await?;
    let before = setting(&mut tx, KEY).await?;
    set_setting(&mut tx, KEY, &days.to_string()).await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "setting.save",
            target: &format!("setting:{KEY}"),
            path: None,
            before,
            after: Some(days.to_string()),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(shown(days))
}
