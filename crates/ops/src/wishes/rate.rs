//! The resident who posted a wish rates it once it is fulfilled: one to five stars and a
//! note, once.

use super::{Wish, policy};
use crate::input::RatingInput;
use crate::{Actor, OpsError};
use jiceng_domain::wishes::WishStatus;
use jiceng_domain::{Invalid, msg};
use jiceng_store::wishes as store;
use jiceng_store::{Db, audit};

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "rate_wish"))]
pub async fn rate(db: &Db, actor: &Actor, id: i64, input: RatingInput) -> Result<Wish, OpsError> {
    let (rating, note) = input.checked()?;
    let mut tx = db.write().await?;
    let wish = policy::resolve(&mut tx, actor, id).await?;
    policy::may_rate(actor, &wish)?;
    if wish.status != WishStatus::Fulfilled {
        return Err(Invalid::new("rating", rating, msg!("心愿实现后才能评价")).into());
    }
    if wish.rating.is_some() || store::rate(&mut tx, id, rating, note.as_deref()).await? == 0 {
        return Err(OpsError::conflict("rating", rating, msg!("已评价过")));
    }
    let row = store::by_id(&mut tx, id).await?.expect("still there");
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "wish.rate",
            target: &format!("wish:{id}"),
            path: Some(&wish.community_path),
            before: None,
            after: Some(format!("{{\"rating\":{rating}}}")),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(policy::shown(actor, Wish::from(row)))
}
