//! Ending a case: verification (核查) closes it or sends it back for rework (返工), and a case
//! that repeats another is closed as its duplicate (重复件). Supervising, the follow-up,
//! suspending, resuming and voiding change only the case's state.

use super::moves::{Move, Moving};
use crate::OpsError;
use jiceng_domain::{Invalid, msg};
use jiceng_store::cases as store;

pub(super) fn verify(x: &mut Moving<'_>, fixed: bool) -> Option<i64> {
    if fixed {
        x.c.closed_at = Some(x.now);
    } else {
        x.c.reworks += 1;
    }
    None
}

pub(super) async fn duplicate(x: &mut Moving<'_>, m: &Move) -> Result<Option<i64>, OpsError> {
    let code = crate::input::required("duplicate_of", &m.duplicate_of)?;
    let missing = || Invalid::new("duplicate_of", code, msg!("没有这个案件编号"));
    let first = store::by_code(&mut x.tx, code.trim())
        .await?
        .filter(|f| f.id != x.c.id)
        .ok_or_else(missing)?;
    // The case it repeats is named as the actor may see it: another's answers as missing.
    let summons = store::summons(&mut x.tx, first.id).await?;
    x.by.check(|a| super::policy::may_see(a, &first, &summons))
        .map_err(|_| missing())?;
    x.c.duplicate_of = Some(first.id);
    Ok(None)
}
