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

/// The org a spreadsheet names in `field`: by its code, its full name, or a name only one org
/// in the actor's scope bears. A name several orgs in scope bear lists them (all readable by
/// the actor), so the sheet can be corrected with a code; one out of scope is not found.
pub(crate) async fn named_loosely(
    tx: &mut Tx,
    actor: &Actor,
    field: &'static str,
    raw: &str,
) -> Result<OrgRow, OpsError> {
    match named(tx, actor, field, raw).await {
        Err(OpsError::Invalid(_)) => {}
        found => return found,
    }
    let name = jiceng_domain::imports::normalize(raw);
    let mut found: Vec<OrgRow> = orgs::named_within(tx, &name, actor.scope_path(), 6)
        .await?
        .into_iter()
        .filter(|o| actor.may_read(&o.path).is_ok())
        .collect();
    match found.len() {
        0 => Err(Invalid::new(field, raw, msg!("没有这个代码或名称的党组织")).into()),
        1 => Ok(found.remove(0)),
        n => {
            let listed: Vec<String> = found
                .iter()
                .take(5)
                .map(|o| format!("{}（{}）", o.name, o.code))
                .collect();
            Err(Invalid::new(
                field,
                raw,
                msg!(
                    "名称对应多个党组织：{orgs}{more}，请填写党组织代码",
                    orgs = listed.join("、"),
                    more = if n > 5 { "…" } else { "" }
                ),
            )
            .into())
        }
    }
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
