//! Claiming a wish (认领) for a member, and giving the claim up.

use super::{Wish, policy};
use crate::{Actor, OpsError};
use chrono::NaiveDate;
use jiceng_domain::{Invalid, msg};
use jiceng_store::Tx;

/// What a move leaves on the wish: the member who holds it, when they claimed it, and when it
/// was fulfilled.
pub(super) type Claim = (Option<i64>, Option<NaiveDate>, Option<NaiveDate>);

/// A claim for `member` (the acting member by default), who must be within the actor's reach
/// and live in or be registered with the wish's community.
pub(super) async fn claim(
    tx: &mut Tx,
    actor: &Actor,
    w: &Wish,
    member: Option<i64>,
    today: NaiveDate,
) -> Result<Claim, OpsError> {
    let member = member
        .or(actor.member_id())
        .ok_or_else(|| Invalid::new("member", "", msg!("必填")))?;
    policy::may_claim(actor, w, member)?;
    crate::registrations::credited(tx, actor, "member", member, w.community_org_id).await?;
    Ok((Some(member), Some(today), None))
}

pub(super) fn release(actor: &Actor, w: &Wish) -> Result<Claim, OpsError> {
    policy::may_release(actor, w)?;
    Ok((None, None, None))
}
