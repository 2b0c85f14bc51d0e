//! The community's review of a wish a resident posted: approved, it opens to members;
//! refused, it says why to the resident.

use super::claim::Claim;
use super::{Wish, policy};
use crate::input::required;
use crate::{Actor, OpsError};
use jiceng_domain::text;

pub(super) fn approve(actor: &Actor, w: &Wish) -> Result<Claim, OpsError> {
    policy::may_manage(actor, w)?;
    Ok((None, None, None))
}

/// The reason, checked before anything is written.
pub(super) fn refuse(actor: &Actor, w: &Wish, reason: &Option<String>) -> Result<String, OpsError> {
    policy::may_manage(actor, w)?;
    Ok(text::long("reason", required("reason", reason)?, 200)?)
}
