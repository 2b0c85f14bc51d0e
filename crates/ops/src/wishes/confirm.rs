//! The community's word on a wish: fulfilled (on a day between its claim and today), or
//! withdrawn (by the community, or by the resident who posted it).

use super::claim::Claim;
use super::{Wish, policy};
use crate::{Actor, OpsError};
use chrono::NaiveDate;
use jiceng_domain::{text, wishes};

pub(super) fn fulfil(
    actor: &Actor,
    w: &Wish,
    on: Option<&str>,
    today: NaiveDate,
) -> Result<Claim, OpsError> {
    policy::may_manage(actor, w)?;
    let on = match on {
        Some(d) => text::date("fulfilled_on", d)?,
        None => today,
    };
    let claimed = w.claimed_on.unwrap_or(w.posted_on);
    let on = wishes::fulfilled_on(on, claimed, today)?;
    Ok((w.member_id, w.claimed_on, Some(on)))
}

pub(super) fn withdraw(actor: &Actor, w: &Wish) -> Result<Claim, OpsError> {
    policy::may_withdraw(actor, w)?;
    Ok((None, None, None))
}
