//! A community's writer moves a need: approves or refuses a resident's posting, merges it into
//! the same need posted before (its supporters and people go with it), marks it met (how,
//! when, with what outcome) or closes it. Each move keeps the figures and is audited.

use super::{Need, figures, policy};
use crate::input::{opt, required};
use crate::{Actor, OpsError};
use jiceng_domain::needs::{self, MetBy, NeedMove, NeedStatus};
use jiceng_domain::{Invalid, clock, msg, text};
use jiceng_store::needs::{self as store, Change};
use jiceng_store::{Db, audit};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NeedMoveInput {
    /// approve, refuse, merge, meet or close.
    #[serde(rename = "move")]
    pub action: Option<String>,
    /// merge: the need it repeats.
    pub into: Option<i64>,
    /// meet: how (project, errand, wish, volunteering, direct).
    pub met_by: Option<String>,
    /// meet: the day, today by default.
    pub on: Option<String>,
    /// meet: what was done; refuse and close: why.
    pub note: Option<String>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "move_need"))]
pub async fn apply(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: NeedMoveInput,
) -> Result<Need, OpsError> {
    let m = NeedMove::parse(required("move", &input.action)?)?;
    let note = opt(&input.note)
        .map(|n| text::long("note", n, 500))
        .transpose()?;
    let today = clock::today();
    let mut tx = db.write().await?;
    let before = policy::resolve(&mut tx, actor, id).await?;
    policy::may_manage(actor, &before)?;
    let to = needs::next(before.status, m)?;
    let mut change = Change {
        status: to,
        merged_into: None,
        met_by: None,
        met_on: None,
        outcome: note.as_deref(),
        reviewed_by: None,
    };
    let who = actor.audit_name();
    match m {
        NeedMove::Approve => change.reviewed_by = Some(&who),
        NeedMove::Refuse | NeedMove::Close => {
            if note.is_none() {
                return Err(Invalid::new("note", "", msg!("请说明理由")).into());
            }
            change.reviewed_by = Some(&who);
        }
        NeedMove::Merge => {
            let into = input
                .into
                .ok_or_else(|| Invalid::new("into", "", msg!("必填")))?;
            // The need merged into is resolved as the actor, and must be of the same
            // community and still open (or waiting).
            let target = policy::resolve(&mut tx, actor, into)
                .await
                .map_err(|_| Invalid::new("into", into, msg!("没有这个需求")))?;
            if into == id
                || target.community_org_id != before.community_org_id
                || !matches!(target.status, NeedStatus::Open | NeedStatus::Pending)
            {
                return Err(Invalid::new(
                    "into",
                    into,
                    msg!("应为本社区另一条待审核或待对接的需求"),
                )
                .into());
            }
            store::join(&mut tx, into, before.supporters, before.people).await?;
            change.merged_into = Some(into);
        }
        NeedMove::Meet => {
            let how = MetBy::parse(required("met_by", &input.met_by)?)?;
            let on = match opt(&input.on) {
                Some(raw) => text::past_date("on", raw, today)?,
                None => today,
            };
            if on < before.posted_on {
                return Err(Invalid::new(
                    "on",
                    on,
                    msg!("不能早于发布日期 {day}", day = before.posted_on),
                )
                .into());
            }
            change.met_by = Some(how);
            change.met_on = Some(on);
        }
    }
    let n = store::set_state(&mut tx, id, before.status, &change).await?;
    if n == 0 {
        return Err(OpsError::conflict(
            "move",
            m.code(),
            msg!("需求已被他人处理，请刷新"),
        ));
    }
    let row = store::by_id(&mut tx, id).await?.expect("still there");
    let (c0, m0) = figures::weight(before.status);
    let (c1, m1) = figures::weight(row.status);
    if (c0, m0) != (c1, m1) {
        figures::count(&mut tx, &row, c1 - c0, m1 - m0).await?;
    }
    crate::matching::rescore(&mut tx, id, row.status).await?;
    let after = policy::shown(actor, Need::from(row));
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &who,
            operation: &format!("need.{}", m.code()),
            target: &format!("need:{id}"),
            path: Some(&before.community_path),
            before: serde_json::to_string(&before).ok(),
            after: serde_json::to_string(&after).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
