//! The resident who posted a need rates what was done, once it is met: one to five stars and
//! a note. Rated once.

use super::{Need, policy};
use crate::input::RatingInput;
use crate::{Actor, OpsError};
use jiceng_domain::needs::NeedStatus;
use jiceng_domain::{Invalid, msg};
use jiceng_store::needs as store;
use jiceng_store::{Db, audit};

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "rate_need"))]
pub async fn rate(db: &Db, actor: &Actor, id: i64, input: RatingInput) -> Result<Need, OpsError> {
    let (rating, note) = input.checked()?;
    let mut tx = db.write().await?;
    let need = policy::resolve(&mut tx, actor, id).await?;
    policy::may_rate(actor, &need)?;
    if need.status != NeedStatus::Met {
        return Err(Invalid::new("rating", rating, msg!("需求满足后才能评价")).into());
    }
    if need.rating.is_some() || store::rate(&mut tx, id, rating, note.as_deref()).await? == 0 {
        return Err(OpsError::conflict("rating", rating, msg!("已评价过")));
    }
    let row = store::by_id(&mut tx, id).await?.expect("still there");
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "need.rate",
            target: &format!("need:{id}"),
            path: Some(&need.community_path),
            before: None,
            after: Some(format!("{{\"rating\":{rating}}}")),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(policy::shown(actor, Need::from(row)))
}
