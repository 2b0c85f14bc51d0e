//! 延期: the handling department asks for more time, with a reason; the dispatcher grants it,
//! which moves the deadline by the case's limit once more, or refuses it.

use super::moves::Moving;
use crate::OpsError;
use jiceng_domain::msg;

pub(super) fn request(x: &mut Moving<'_>) -> Result<Option<i64>, OpsError> {
    x.require_note(msg!("申请延期须写明理由"))?;
    Ok(x.c.department_id)
}

pub(super) fn decide(x: &mut Moving<'_>, approve: bool) -> Result<Option<i64>, OpsError> {
    if approve {
        let from = x.c.dispatched_at.unwrap_or(x.now);
        x.c.due_at = Some(x.deadline_from(from, x.after.extensions)?);
    }
    Ok(None)
}
