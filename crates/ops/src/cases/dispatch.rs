//! 派遣: a registered case goes to one department, or to none for the community to handle it
//! itself; 吹哨: to several at once, each summoned to report (报到) within the set minutes.
//! Either way its deadlines start now.

use super::departments;
use super::moves::Moving;
use crate::OpsError;
use chrono::Duration;
use jiceng_domain::msg;
use jiceng_store::StoreError;
use jiceng_store::cases::{self as store, DepartmentRow};

pub(super) async fn dispatch(
    x: &mut Moving<'_>,
    codes: &[String],
) -> Result<Option<i64>, OpsError> {
    let mut targets: Vec<DepartmentRow> = Vec::new();
    for code in codes.iter().map(|d| d.trim()).filter(|d| !d.is_empty()) {
        let d = departments::by_code(&mut x.tx, "departments", code).await?;
        if !targets.iter().any(|t| t.id == d.id) {
            targets.push(d);
        }
    }
    x.c.department_id = targets.first().map(|d| d.id);
    if targets.len() > 1 {
        whistle(x, &targets).await?;
    }
    let now = x.now;
    x.c.due_at = Some(x.deadline_from(now, x.c.extensions as u32)?);
    x.c.response_due_at =
        Some(now + Duration::minutes(i64::from(x.classification.response_minutes)));
    x.c.dispatched_at = Some(now);
    x.c.responded_at = None;
    Ok(x.c.department_id)
}

/// Summons every department to report; the first leads the handling.
async fn whistle(x: &mut Moving<'_>, targets: &[DepartmentRow]) -> Result<(), OpsError> {
    let due = x.now + Duration::minutes(i64::from(x.classification.report_minutes));
    for d in targets {
        store::summon(&mut x.tx, x.c.id, d.id, x.now, due, x.c.received_at)
            .await
            .map_err(|e| match e {
                StoreError::Duplicate(_) => {
                    OpsError::conflict("departments", &d.code, msg!("该部门已被吹哨召集"))
                }
                e => e.into(),
            })?;
        x.summoned.push(d.id);
    }
    Ok(())
}
