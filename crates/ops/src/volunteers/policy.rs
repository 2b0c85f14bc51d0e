//! Who reaches a volunteer or a team: the readers of the community they belong to; a
//! volunteer also reaches their own record. Writers of that community keep its teams.

use super::{Team, Volunteer};
use crate::{Actor, OpsError};
use jiceng_store::Tx;
use jiceng_store::volunteers as store;

/// The volunteer `id` as the actor may reach it, else not found.
pub(crate) async fn resolve(tx: &mut Tx, actor: &Actor, id: i64) -> Result<Volunteer, OpsError> {
    let row = store::by_id(tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("志愿者", id))?;
    if !is_own(actor, row.member_id, row.resident_id, tx).await? {
        actor.reach(&row.org_path, "志愿者", id)?;
    }
    Ok(Volunteer::of(row, actor))
}

/// Whether the volunteer with these links is the actor.
pub(crate) async fn is_own(
    actor: &Actor,
    member: Option<i64>,
    resident: Option<i64>,
    tx: &mut Tx,
) -> Result<bool, OpsError> {
    if member.is_some() && member == actor.member_id() {
        return Ok(true);
    }
    if resident.is_some() && actor.role() == Some(jiceng_domain::Role::Resident) {
        let me = crate::residents::own(tx, actor).await?;
        return Ok(Some(me.id) == resident);
    }
    Ok(false)
}

/// The team `id` as the actor may reach it, else not found.
pub(crate) async fn team(tx: &mut Tx, actor: &Actor, id: i64) -> Result<Team, OpsError> {
    let row = store::team(tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("志愿服务队", id))?;
    actor.reach(&row.org_path, "志愿服务队", id)?;
    Ok(Team::of(row, actor))
}

/// Keeping a team (founding it, its members and leader): the writers of its community.
pub fn may_keep_team(actor: &Actor, path: &str) -> Result<(), OpsError> {
    actor.may_write(path)
}

/// Adding a team type: district administrators and the operator (the types are the city's).
pub fn may_add_kind(actor: &Actor) -> Result<(), OpsError> {
    use jiceng_domain::Role::DistrictAdmin;
    match actor {
        Actor::Operator { .. } => Ok(()),
        _ if actor.role() == Some(DistrictAdmin) => actor.may_write(actor.scope_path()),
        _ => Err(OpsError::Forbidden(jiceng_domain::msg!(
            "仅区级管理员可增加队伍类型"
        ))),
    }
}
