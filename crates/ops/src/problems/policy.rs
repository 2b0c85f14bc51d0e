//! Who may raise, see and move problems: a community's readers see them; its writers, and the
//! liaisons of the units that serve it, raise them; its writers turn them into cases, settle
//! and close them.

use super::Problem;
use crate::{Actor, OpsError};
use jiceng_domain::problems::{self, ProblemMove};
use jiceng_store::Tx;

/// The problem `id` as the actor may reach it, else not found.
pub(crate) async fn resolve(tx: &mut Tx, actor: &Actor, id: i64) -> Result<Problem, OpsError> {
    let row = jiceng_store::problems::by_id(tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("问题", id))?;
    let own_unit = row.unit_id.is_some() && row.unit_id == actor.own_unit_only();
    if !own_unit {
        actor.reach(&row.community_path, "问题", id)?;
    }
    let mut p = Problem::from(row);
    p.offers = offers(actor, &p);
    Ok(p)
}

/// Moving a problem: the writers of its community.
pub fn may_manage(actor: &Actor, p: &Problem) -> Result<(), OpsError> {
    actor.may_write(&p.community_path)
}

pub fn offers(actor: &Actor, p: &Problem) -> Vec<&'static str> {
    if may_manage(actor, p).is_err() {
        return Vec::new();
    }
    [
        ProblemMove::ToCase,
        ProblemMove::Resolve,
        ProblemMove::Close,
    ]
    .into_iter()
    .filter(|m| problems::next(p.status, *m).is_ok())
    .map(ProblemMove::code)
    .collect()
}
