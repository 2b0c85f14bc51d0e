//! Who may reach an org of the tree. An org named by a request's path is resolved here, as
//! the acting user, before anything else reads it: one missing and one out of scope answer
//! alike.

use crate::{Actor, OpsError};
use jiceng_domain::{Invalid, msg};
use jiceng_store::Tx;
use jiceng_store::orgs::{self, OrgRow};

/// The org `code` if the actor may read it, else not found. A role that reads no org at all
/// (a member) is refused as such, whatever the code.
pub(crate) async fn resolve(tx: &mut Tx, actor: &Actor, code: &str) -> Result<OrgRow, OpsError> {
    actor.may_read(actor.scope_path())?;
    orgs::by_code(tx, code.trim())
        .await?
        .filter(|o| actor.may_read(&o.path).is_ok())
        .ok_or_else(|| OpsError::not_found("党组织", code))
}

/// The org a request names in a field (a list's filter, or a body's org, parent, community …),
/// as the actor may read it: one out of scope is refused exactly as a code that does not
/// exist. A role that reads no org is refused as such first.
pub(crate) async fn named(
    tx: &mut Tx,
    actor: &Actor,
    field: &'static str,
    code: &str,
) -> Result<OrgRow, OpsError> {
    actor.may_read(actor.scope_path())?;
    orgs::by_code(tx, code.trim())
        .await?
        .filter(|o| actor.may_read(&o.path).is_ok())
        .ok_or_else(|| Invalid::new(field, code, msg!("没有这个代码的党组织")).into())
}

/// The org a request names in `field` where the actor may also act for itself: a member where
/// they live, a liaison where their unit sits, in the actor's scope or not. Anyone else names
/// one they may read, as in [`named`], and one they may not answers as missing.
pub(crate) async fn named_for(
    tx: &mut Tx,
    actor: &Actor,
    field: &'static str,
    code: &str,
    member: Option<i64>,
    unit: Option<i64>,
) -> Result<OrgRow, OpsError> {
    orgs::by_code(tx, code.trim())
        .await?
        .filter(|o| {
            actor.may_read(&o.path).is_ok() || actor.may_act_for(member, unit, &o.path).is_ok()
        })
        .ok_or_else(|| Invalid::new(field, code, msg!("没有这个代码的党组织")).into())
}
