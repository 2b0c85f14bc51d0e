//! Who may offer, see and withdraw resources. A community's readers see its resources; a
//! unit's liaison sees their unit's and offers them to the community the unit sits in or is
//! registered with (双报到); a community's writers offer the community's own, its mass
//! organisations' and its volunteer teams', and withdraw any of them.

use super::Resource;
use crate::{Actor, OpsError};
use jiceng_domain::Role;
use jiceng_store::{Tx, orgs, registrations, units};

/// The communities a unit serves: the one at its division, and those it is registered with.
pub(crate) async fn unit_communities(tx: &mut Tx, unit: i64) -> Result<Vec<i64>, OpsError> {
    let mut out = Vec::new();
    if let Some(u) = units::by_id(tx, unit).await?
        && let Some(c) = orgs::community_at(tx, &u.division_code).await?
    {
        out.push(c.id);
    }
    for r in registrations::of_unit(tx, unit).await? {
        if r.ended_on.is_none() && !out.contains(&r.community_org_id) {
            out.push(r.community_org_id);
        }
    }
    Ok(out)
}

/// The resource `id` as the actor may reach it, else not found.
pub(crate) async fn resolve(tx: &mut Tx, actor: &Actor, id: i64) -> Result<Resource, OpsError> {
    let not_found = || OpsError::not_found("资源", id);
    let row = jiceng_store::resources::by_id(tx, id)
        .await?
        .ok_or_else(not_found)?;
    let own_unit = row.unit_id.is_some() && row.unit_id == actor.own_unit_only();
    if own_unit || actor.may_read(&row.community_path).is_ok() {
        let mut r = Resource::from(row);
        r.offers = offers(actor, &r);
        Ok(r)
    } else {
        Err(not_found())
    }
}

/// Offering a resource to the community `(id, path)`: its writers; a liaison for a community
/// their unit serves.
pub(crate) async fn may_offer(
    tx: &mut Tx,
    actor: &Actor,
    community: (i64, &str),
) -> Result<(), OpsError> {
    if let Actor::User(u) = actor
        && u.role == Role::UnitLiaison
        && !u.read_only
    {
        let unit = u.unit_id.unwrap_or(0);
        return if unit_communities(tx, unit).await?.contains(&community.0) {
            Ok(())
        } else {
            Err(OpsError::Forbidden(jiceng_domain::msg!(
                "只能向本单位所在或已报到的社区提供资源"
            )))
        };
    }
    actor.may_write(community.1)
}

/// Withdrawing: the community's writers, or the liaison of the unit that offers it.
pub fn may_withdraw(actor: &Actor, r: &Resource) -> Result<(), OpsError> {
    if r.unit_id.is_some() && r.unit_id == actor.own_unit_only() && !actor.read_only() {
        return Ok(());
    }
    actor.may_write(&r.community_path)
}

/// What the actor may do to this resource now: `withdraw`.
pub fn offers(actor: &Actor, r: &Resource) -> Vec<&'static str> {
    let mut out = Vec::new();
    if r.status == jiceng_domain::resources::ResourceStatus::Active
        && may_withdraw(actor, r).is_ok()
    {
        out.push("withdraw");
    }
    out
}
