//! Who may reach a stationed unit. Units are kept by division; an id from a request is
//! resolved here, as the acting user, before anything else reads the record, and a unit that
//! is missing answers like one out of scope.

use crate::{Actor, OpsError};
use jiceng_domain::{Invalid, msg};
use jiceng_store::Tx;
use jiceng_store::units::{self, UnitRow};

/// The unit `id` if the actor may read it: `None` when missing or out of scope alike.
pub(crate) async fn readable(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
) -> Result<Option<UnitRow>, OpsError> {
    Ok(units::by_id(tx, id)
        .await?
        .filter(|u| actor.may_read_unit(u.id, &u.division_code).is_ok()))
}

/// The unit `id` named by a path if the actor may read it, else not found.
pub(crate) async fn resolve(tx: &mut Tx, actor: &Actor, id: i64) -> Result<UnitRow, OpsError> {
    readable(tx, actor, id)
        .await?
        .ok_or_else(|| OpsError::not_found("驻区单位", id))
}

/// The unit an account is bound to: one the actor may write, or any for whoever binds
/// accounts anywhere.
pub(crate) async fn bindable(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
) -> Result<Option<UnitRow>, OpsError> {
    Ok(units::by_id(tx, id).await?.filter(|u| {
        actor.binds_accounts_anywhere() || actor.may_write_division(&u.division_code).is_ok()
    }))
}

/// The unit a request body names in `field`, as the actor may read it: one out of scope is
/// refused exactly as an id that does not exist.
pub(crate) async fn named(
    tx: &mut Tx,
    actor: &Actor,
    field: &'static str,
    id: i64,
) -> Result<UnitRow, OpsError> {
    readable(tx, actor, id)
        .await?
        .ok_or_else(|| Invalid::new(field, id, msg!("没有这个驻区单位")).into())
}
