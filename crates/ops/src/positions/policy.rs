//! Who may see and register positions: the readers of the org that runs a position see it;
//! that org's writers register positions for it; floor-area standards are set by district
//! and street administrators for their subtree (and by the operator, for the whole city).

use super::Position;
use crate::{Actor, OpsError};
use jiceng_store::Tx;

/// The position `id` as the actor may reach it, else not found.
pub(crate) async fn resolve(tx: &mut Tx, actor: &Actor, id: i64) -> Result<Position, OpsError> {
    let row = jiceng_store::positions::by_id(tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("阵地", id))?;
    actor.reach(&row.org_path, "阵地", id)?;
    let standards = jiceng_store::positions::standards(tx).await?;
    Ok(Position::of(row, &standards))
}

/// Registering a position run from `path`: the writers of that org.
pub fn may_register(actor: &Actor, path: &str) -> Result<(), OpsError> {
    actor.may_write(path)
}

/// Setting a floor-area standard for the subtree at `path`: a district or street
/// administrator whose scope holds it, or the operator.
pub fn may_set_standard(actor: &Actor, path: &str) -> Result<(), OpsError> {
    use jiceng_domain::Role::{DistrictAdmin, StreetAdmin};
    match actor {
        Actor::Operator { .. } => Ok(()),
        _ if matches!(actor.role(), Some(DistrictAdmin | StreetAdmin)) => actor.may_write(path),
        _ => Err(OpsError::Forbidden(jiceng_domain::msg!(
            "仅区、街道管理员可设定阵地面积标准"
        ))),
    }
}
