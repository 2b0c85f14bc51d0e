//! Who may move a wish: the one place the moves, the wish page and the API ask. The domain
//! says which moves a wish's status allows; this says which of them the actor may make.

use super::Wish;
use crate::{Actor, OpsError};
use jiceng_domain::wishes::{self, WishMove};

/// Posting and withdrawing, confirming a wish fulfilled, and claiming for any member: the
/// writers of the wish's community.
pub fn may_manage(actor: &Actor, w: &Wish) -> Result<(), OpsError> {
    actor.may_write(&w.community_path)
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

/// What the actor may do to this wish now, as the page offers it: `claim` (for themself),
/// `claim_for` (a member the writer names), `release`, `fulfil`, `withdraw`.
pub fn offers(actor: &Actor, w: &Wish) -> Vec<&'static str> {
    let status = w.status;
    let allowed = |m: WishMove| wishes::next(status, m).is_ok();
    let mut out = Vec::new();
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
    for (m, code) in [
        (WishMove::Fulfil, "fulfil"),
        (WishMove::Withdraw, "withdraw"),
    ] {
        if allowed(m) && may_manage(actor, w).is_ok() {
            out.push(code);
        }
    }
    out
}
