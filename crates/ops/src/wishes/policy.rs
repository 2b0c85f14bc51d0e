//! Who may move a wish: the one place the moves, the wish page and the API ask. The domain
//! says which moves a wish's status allows; this says which of them the actor may make.

use super::Wish;
use crate::{Actor, OpsError};
use jiceng_domain::wishes::{self, WishMove};
use jiceng_store::{Tx, members, orgs, registrations, wishes as store};

/// The communities whose open wishes a party member sees without a scope to read: the one
/// they live in and those they are registered with (双报到), as (id, path).
pub(crate) async fn member_communities(
    tx: &mut Tx,
    me: i64,
) -> Result<Vec<(i64, String)>, OpsError> {
    let mut out: Vec<(i64, String)> = Vec::new();
    if let Some(res) = members::by_id(tx, me)
        .await?
        .and_then(|m| m.residence_division)
        && let Some(c) = orgs::community_at(tx, &res).await?
    {
        out.push((c.id, c.path));
    }
    for r in registrations::of_member(tx, me).await? {
        if r.ended_on.is_none()
            && !out.iter().any(|(id, _)| *id == r.community_org_id)
            && let Some(c) = orgs::by_id(tx, r.community_org_id).await?
        {
            out.push((c.id, c.path));
        }
    }
    Ok(out)
}

/// The wish `id` as the actor may reach it, else not found: the readers of its community; the
/// resident who posted it; a member without a scope to read reaches the wishes they claimed
/// and the open wishes of the communities they live in or are registered with. What the actor gets is shown as they may
/// see it ([`shown`]).
pub(crate) async fn resolve(tx: &mut Tx, actor: &Actor, id: i64) -> Result<Wish, OpsError> {
    let not_found = || OpsError::not_found("微心愿", id);
    let w = Wish::from(store::by_id(tx, id).await?.ok_or_else(not_found)?);
    if actor.may_read(&w.community_path).is_ok() || own(actor, &w) {
        return Ok(shown(actor, w));
    }
    let Some(me) = actor.member_id() else {
        return Err(not_found());
    };
    let reached = w.member_id == Some(me)
        || (w.status == wishes::WishStatus::Open
            && member_communities(tx, me)
                .await?
                .iter()
                .any(|(c, _)| *c == w.community_org_id));
    if reached {
        Ok(shown(actor, w))
    } else {
        Err(not_found())
    }
}

/// The resident who posted it themself.
pub(crate) fn own(actor: &Actor, w: &Wish) -> bool {
    matches!(actor, Actor::User(u) if w.resident_user_id == Some(u.id))
}

/// The resident who posted it, acting (not on a read-only token).
fn own_acting(actor: &Actor, w: &Wish) -> bool {
    own(actor, w) && !actor.read_only()
}

/// A wish as the actor may see it: who made it (and how they rated it) is for the
/// community's readers and the resident to know, not for every member who reads the wish.
pub(crate) fn shown(actor: &Actor, mut w: Wish) -> Wish {
    if actor.may_read(&w.community_path).is_err() && !own(actor, &w) {
        w.resident = None;
        w.rating_note = None;
    }
    w
}

/// Posting, reviewing a resident's wish, confirming a wish fulfilled, and claiming for any
/// member: the writers of the wish's community.
pub fn may_manage(actor: &Actor, w: &Wish) -> Result<(), OpsError> {
    actor.may_write(&w.community_path)
}

/// Withdrawing: the resident who posted it; the community's writers once it is open (one
/// still waiting for review they refuse, with a reason).
pub fn may_withdraw(actor: &Actor, w: &Wish) -> Result<(), OpsError> {
    if own_acting(actor, w) {
        return Ok(());
    }
    if w.status == wishes::WishStatus::Pending {
        return Err(OpsError::Forbidden(jiceng_domain::msg!(
            "待审核的心愿请审核通过或写明理由不予通过"
        )));
    }
    may_manage(actor, w)
}

/// Rating a fulfilled wish: the resident who posted it, only.
pub fn may_rate(actor: &Actor, w: &Wish) -> Result<(), OpsError> {
    if own_acting(actor, w) {
        Ok(())
    } else {
        Err(OpsError::Forbidden(jiceng_domain::msg!(
            "仅发布心愿的居民本人可评价"
        )))
    }
}

/// A claim for `member`: the member themself, or the community's writers. (That the member
/// is within the writer's reach or registered with the community is checked on the records.)
pub fn may_claim(actor: &Actor, w: &Wish, member: i64) -> Result<(), OpsError> {
    actor.may_act_for(Some(member), None, &w.community_path)
}

/// Giving up a claim: the member who holds it, or the community's writers.
pub fn may_release(actor: &Actor, w: &Wish) -> Result<(), OpsError> {
    actor.may_act_for(w.member_id, None, &w.community_path)
}

/// What the actor may do to this wish now, as the page offers it: `approve`, `refuse`,
/// `claim` (for themself), `claim_for` (a member the writer names), `release`, `fulfil`,
/// `withdraw`, `rate`.
pub fn offers(actor: &Actor, w: &Wish) -> Vec<&'static str> {
    let status = w.status;
    let allowed = |m: WishMove| wishes::next(status, m).is_ok();
    let mut out = Vec::new();
    for (m, code) in [(WishMove::Approve, "approve"), (WishMove::Refuse, "refuse")] {
        if allowed(m) && may_manage(actor, w).is_ok() {
            out.push(code);
        }
    }
    if allowed(WishMove::Claim) {
        if let Some(me) = actor.member_id()
            && may_claim(actor, w, me).is_ok()
        {
            out.push("claim");
        }
        if may_manage(actor, w).is_ok() {
            out.push("claim_for");
        }
    }
    if allowed(WishMove::Release) && may_release(actor, w).is_ok() {
        out.push("release");
    }
    if allowed(WishMove::Fulfil) && may_manage(actor, w).is_ok() {
        out.push("fulfil");
    }
    if allowed(WishMove::Withdraw) && may_withdraw(actor, w).is_ok() {
        out.push("withdraw");
    }
    if status == wishes::WishStatus::Fulfilled && w.rating.is_none() && may_rate(actor, w).is_ok() {
        out.push("rate");
    }
    out
}
