//! Who may see and move errands. The readers of an errand's community see it; so do the
//! resident who asked, the member who took it, and — while it is open — the members who live
//! in or are registered with its community, who may take it. The community's writers review,
//! assign and confirm; the taker releases and finishes; the resident confirms and withdraws.

use super::Errand;
use crate::{Actor, OpsError};
use jiceng_domain::errands::{self, ErrandMove, ErrandStatus};
use jiceng_domain::msg;
use jiceng_store::Tx;

/// The errand `id` as the actor may reach it, else not found.
pub(crate) async fn resolve(tx: &mut Tx, actor: &Actor, id: i64) -> Result<Errand, OpsError> {
    let not_found = || OpsError::not_found("红色代办", id);
    let row = jiceng_store::errands::by_id(tx, id)
        .await?
        .ok_or_else(not_found)?;
    let mut e = Errand::from(row);
    let reached = actor.may_read(&e.community_path).is_ok()
        || own(actor, &e)
        || taker(actor, &e)
        || (e.status == ErrandStatus::Open && in_reach(tx, actor, &e).await?);
    if !reached {
        return Err(not_found());
    }
    e.offers = offers(tx, actor, &e).await?;
    Ok(shown(actor, e))
}

/// The resident who asked for it.
pub(crate) fn own(actor: &Actor, e: &Errand) -> bool {
    matches!(actor, Actor::User(u) if e.resident_user_id == Some(u.id))
}

/// The member who took it.
pub(crate) fn taker(actor: &Actor, e: &Errand) -> bool {
    e.member_id.is_some() && e.member_id == actor.member_id()
}

/// A member who lives in or is registered with the errand's community.
pub(crate) async fn in_reach(tx: &mut Tx, actor: &Actor, e: &Errand) -> Result<bool, OpsError> {
    let Some(me) = actor.member_id() else {
        return Ok(false);
    };
    Ok(crate::wishes::policy::member_communities(tx, me)
        .await?
        .iter()
        .any(|(c, _)| *c == e.community_org_id))
}

/// An errand as the actor sees it: who asked is for the community's readers, the resident and
/// the member who runs it.
pub(crate) fn shown(actor: &Actor, mut e: Errand) -> Errand {
    if actor.may_read(&e.community_path).is_err() && !own(actor, &e) && !taker(actor, &e) {
        e.resident_name = None;
        e.for_whom = None;
    }
    e
}

/// May the actor make `m` on the errand (beside what its status allows)?
pub(crate) async fn may(
    tx: &mut Tx,
    actor: &Actor,
    e: &Errand,
    m: ErrandMove,
) -> Result<(), OpsError> {
    let writer = actor.may_write(&e.community_path).is_ok();
    let ok = match m {
        ErrandMove::Approve | ErrandMove::Refuse => writer,
        ErrandMove::Take => {
            writer || (actor.member_id().is_some() && in_reach(tx, actor, e).await?)
        }
        ErrandMove::Release | ErrandMove::Finish => writer || taker(actor, e),
        ErrandMove::Confirm | ErrandMove::Withdraw => writer || own(actor, e),
    };
    if ok && !actor.read_only() {
        Ok(())
    } else {
        Err(OpsError::Forbidden(msg!(
            "无权对该代办{action}",
            action = m.label()
        )))
    }
}

/// The moves the actor may make now, as the page offers them.
pub(crate) async fn offers(
    tx: &mut Tx,
    actor: &Actor,
    e: &Errand,
) -> Result<Vec<&'static str>, OpsError> {
    let mut out = Vec::new();
    for m in [
        ErrandMove::Approve,
        ErrandMove::Refuse,
        ErrandMove::Take,
        ErrandMove::Release,
        ErrandMove::Finish,
        ErrandMove::Confirm,
        ErrandMove::Withdraw,
    ] {
        if errands::next(e.status, m).is_ok() && may(tx, actor, e, m).await.is_ok() {
            out.push(m.code());
        }
    }
    Ok(out)
}
