//! Who may see and review residents: the readers of their community see them (phones masked
//! unless the role handles personal data), its writers confirm or refuse them, and a resident
//! sees only themself.

use super::ResidentView;
use crate::{Actor, OpsError};
use jiceng_domain::phone::mask;
use jiceng_store::Tx;
use jiceng_store::residents::{self as store, ResidentRow};

/// The resident `id` as the actor may reach it, else not found: the readers of its community.
pub(crate) async fn resolve(tx: &mut Tx, actor: &Actor, id: i64) -> Result<ResidentRow, OpsError> {
    let not_found = || OpsError::not_found("居民", id);
    let row = store::by_id(tx, id).await?.ok_or_else(not_found)?;
    actor.reach(&row.community_path, "居民", id)?;
    Ok(row)
}

/// Confirming or refusing a resident: the writers of their community.
pub fn may_review(actor: &Actor, r: &ResidentView) -> Result<(), OpsError> {
    actor.may_write(&r.community_path)
}

/// A resident as the actor sees them: the whole phone only to the resident themself, and to
/// a role that handles personal data when it asks to reveal it (audited by the caller).
pub(crate) fn shown(actor: &Actor, row: ResidentRow, reveal: bool) -> ResidentView {
    let own = matches!(actor, Actor::User(u) if u.id == row.user_id);
    let whole = own || (reveal && actor.may_reveal());
    let mut v = ResidentView::from(row);
    if !whole {
        v.phone = mask(&v.phone);
    }
    v.may_review = v.status == jiceng_domain::residents::ResidentStatus::Pending
        && may_review(actor, &v).is_ok();
    v
}
