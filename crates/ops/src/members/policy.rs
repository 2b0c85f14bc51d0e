//! Who may reach a member's file. An id from a request is resolved here, as the acting user,
//! before anything else reads the record: a member who is missing and one out of the actor's
//! scope answer alike, so no answer tells that a file exists elsewhere.

use crate::{Actor, OpsError};
use jiceng_domain::{Invalid, msg};
use jiceng_store::Tx;
use jiceng_store::members::{self, MemberRow};

/// The member `id` if the actor may read their file (their own, or within their scope).
pub(crate) async fn readable(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
) -> Result<Option<MemberRow>, OpsError> {
    Ok(members::by_id(tx, id)
        .await?
        .filter(|m| actor.may_read_member(m.id, &m.org_path).is_ok()))
}

/// The member `id` if the actor may read them, else not found; a write is then asked of
/// `may_write` on the member's org, which may refuse by name since the actor sees the file.
pub(crate) async fn resolve(tx: &mut Tx, actor: &Actor, id: i64) -> Result<MemberRow, OpsError> {
    readable(tx, actor, id)
        .await?
        .ok_or_else(|| OpsError::not_found("党员", id))
}

/// The member an account is bound to: one the actor may write, or any for whoever binds
/// accounts anywhere.
pub(crate) async fn bindable(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
) -> Result<Option<MemberRow>, OpsError> {
    Ok(members::by_id(tx, id)
        .await?
        .filter(|m| actor.binds_accounts_anywhere() || actor.may_write(&m.org_path).is_ok()))
}

/// The member a request body names in `field`, as the actor may read them: one out of scope
/// is refused exactly as an id that does not exist.
pub(crate) async fn named(
    tx: &mut Tx,
    actor: &Actor,
    field: &'static str,
    id: i64,
) -> Result<MemberRow, OpsError> {
    readable(tx, actor, id)
        .await?
        .ok_or_else(|| Invalid::new(field, id, msg!("没有这个党员")).into())
}
