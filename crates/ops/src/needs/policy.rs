//! Who may post, see and move needs: the one place the use cases, the pages and the API ask.
//! The readers of a need's community see it; the resident who posted it sees their own; its
//! writers review, merge, meet and close it; those who work inside the community (a grid
//! worker, a unit's liaison) and its confirmed residents post to it.

use super::Need;
use crate::{Actor, OpsError};
use jiceng_domain::needs::{self, NeedMove, NeedStatus};
use jiceng_domain::{Role, msg};
use jiceng_store::Tx;
use jiceng_store::needs as store;

/// The need `id` as the actor may reach it, else not found, shown as the actor may see it.
pub(crate) async fn resolve(tx: &mut Tx, actor: &Actor, id: i64) -> Result<Need, OpsError> {
    let not_found = || OpsError::not_found("需求", id);
    let row = store::by_id(tx, id).await?.ok_or_else(not_found)?;
    let own = matches!(actor, Actor::User(u) if row.resident_user_id == Some(u.id));
    if own || actor.may_read(&row.community_path).is_ok() {
        Ok(shown(actor, Need::from(row)))
    } else {
        Err(not_found())
    }
}

/// A need as the actor may see it: who posted it is for the community's readers (and the
/// poster) to know.
pub(crate) fn shown(actor: &Actor, mut n: Need) -> Need {
    let own = matches!(actor, Actor::User(u) if n.resident_user_id == Some(u.id));
    if !own && actor.may_read(&n.community_path).is_err() {
        n.resident_name = None;
    }
    n.offers = offers(actor, &n);
    n
}

/// Posting to the community `(id, path)`: its writers; a grid worker whose scope lies inside
/// it; a unit's liaison for a community the unit serves; a resident of it (once confirmed,
/// asked by the caller, who knows the resident).
pub(crate) async fn may_post(
    tx: &mut Tx,
    actor: &Actor,
    community: (i64, &str),
) -> Result<(), OpsError> {
    match actor {
        Actor::Operator { .. } => Ok(()),
        Actor::User(u) if u.read_only => Err(OpsError::Forbidden(msg!("只读令牌不能修改数据"))),
        Actor::User(u)
            if matches!(u.role, Role::GridWorker | Role::Resident)
                && u.scope_path.starts_with(community.1) =>
        {
            Ok(())
        }
        Actor::User(u) if u.role == Role::UnitLiaison => {
            let serves = crate::resources::policy::unit_communities(tx, u.unit_id.unwrap_or(0))
                .await?
                .contains(&community.0);
            if serves {
                Ok(())
            } else {
                Err(OpsError::Forbidden(msg!(
                    "只能向本单位所在或已报到的社区发布"
                )))
            }
        }
        Actor::User(_) => actor.may_write(community.1),
    }
}

/// Whether the actor posts needs anywhere: the pages offer the form to those who do.
pub fn posts_needs(actor: &Actor) -> bool {
    match actor {
        Actor::Operator { .. } => true,
        Actor::User(u) if u.read_only => false,
        Actor::User(u) => {
            u.role.writes_records()
                || matches!(
                    u.role,
                    Role::GridWorker | Role::UnitLiaison | Role::Resident
                )
        }
    }
}

/// Reviewing, merging, meeting and closing: the writers of the need's community.
pub fn may_manage(actor: &Actor, n: &Need) -> Result<(), OpsError> {
    actor.may_write(&n.community_path)
}

/// Rating what was done: the resident who posted it, once it is met.
pub fn may_rate(actor: &Actor, n: &Need) -> Result<(), OpsError> {
    match actor {
        Actor::User(u) if n.resident_user_id == Some(u.id) && !u.read_only => Ok(()),
        _ => Err(OpsError::Forbidden(msg!("只有提出需求的居民本人可以评价"))),
    }
}

/// What the actor may do to this need now, as the page offers it: the moves by code, and
/// `rate`.
pub fn offers(actor: &Actor, n: &Need) -> Vec<&'static str> {
    let mut out = Vec::new();
    if may_manage(actor, n).is_ok() {
        for m in [
            NeedMove::Approve,
            NeedMove::Refuse,
            NeedMove::Merge,
            NeedMove::Meet,
            NeedMove::Close,
        ] {
            if needs::next(n.status, m).is_ok() {
                out.push(m.code());
            }
        }
    }
    if n.status == NeedStatus::Met && n.rating.is_none() && may_rate(actor, n).is_ok() {
        out.push("rate");
    }
    out
}
