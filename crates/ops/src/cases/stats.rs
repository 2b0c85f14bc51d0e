//! Adds a move's counts to the aggregate behind the rates, in the move's transaction.

use super::intake::month_of;
use crate::OpsError;
use jiceng_store::Tx;
use jiceng_store::cases::{self as store, CaseRow, Delta};

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
