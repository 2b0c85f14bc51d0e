//! What the handling department does with a dispatched case: accept it (响应), report when
//! summoned by a whistle (报到), hand it back (回退), and report the work done (处置反馈).

use super::moves::{By, Moving};
use crate::OpsError;
use jiceng_domain::msg;
use jiceng_store::cases as store;

pub(super) fn accept(x: &mut Moving<'_>) -> Option<i64> {
    x.c.responded_at = Some(x.now);
    x.c.department_id
}

pub(super) async fn report(x: &mut Moving<'_>) -> Result<Option<i64>, OpsError> {
    let d = match x.by {
        By::Actor(a) => a.department_id(),
        By::Reporter(_) => None,
    };
    let Some(d) = d else {
        return Err(OpsError::Forbidden(msg!("只有被召集部门的办理人可以报到")));
    };
    if !store::report(&mut x.tx, x.c.id, d, x.now, &x.by.name()).await? {
        return Err(OpsError::conflict(
            "action",
            "report",
            msg!("本部门未被召集或已经报到"),
        ));
    }
    Ok(Some(d))
}

pub(super) fn hand_back(x: &mut Moving<'_>) -> Option<i64> {
    let from = x.c.department_id;
    x.c.returns += 1;
    x.c.department_id = None;
    from
}

pub(super) fn feedback(x: &mut Moving<'_>) -> Result<Option<i64>, OpsError> {
    x.require_note(msg!("处置反馈须写明处理情况"))?;
    x.c.feedback_at = Some(x.now);
    Ok(x.c.department_id)
}
