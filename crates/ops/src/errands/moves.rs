//! The moves of an errand: the community reviews a resident's request; a member takes it (or
//! a writer assigns one), releases it or finishes it; the resident (or the community) confirms
//! it done, rating it if they like — the member's points count it from then, and a need it
//! meets is met. What time did to the errand is written first.

use super::{Errand, policy};
use crate::input::{opt, required};
use crate::{Actor, OpsError};
use jiceng_domain::errands::{self, ErrandMove, ErrandStatus};
use jiceng_domain::needs::{MetBy, NeedStatus};
use jiceng_domain::{Invalid, clock, msg, text};
use jiceng_store::errands::{self as store, State};
use jiceng_store::{Db, audit};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ErrandMoveInput {
    /// approve, refuse, take, release, finish, confirm or withdraw.
    #[serde(rename = "move")]
    pub action: Option<String>,
    /// take: the member a community writer assigns it to (the acting member by default).
    pub member_id: Option<i64>,
    /// finish: what was done; refuse: why.
    pub note: Option<String>,
    /// confirm: the resident's rating, 1–5.
    pub rating: Option<i64>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "move_errand"))]
pub async fn apply(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: ErrandMoveInput,
) -> Result<Errand, OpsError> {
    let m = ErrandMove::parse(required("move", &input.action)?)?;
    let note = opt(&input.note)
        .map(|n| text::long("note", n, 500))
        .transpose()?;
    let rating = input.rating.map(jiceng_domain::needs::rating).transpose()?;
    let now = clock::now();
    let mut tx = db.write().await?;
    let before = policy::resolve(&mut tx, actor, id).await?;
    // The row as stored: the errand may show what time did to it before it is written.
    let stored = store::by_id(&mut tx, id).await?.expect("resolved");
    let to = errands::next(before.status, m)?;
    policy::may(&mut tx, actor, &before, m).await?;
    let mut state = State {
        status: to,
        member_id: before.member_id,
        taken_at: before.taken_at,
        hold_until: before.hold_until,
        done_at: before.done_at,
        done_note: before.done_note.as_deref(),
        confirmed_on: before.confirmed_on,
        rating: before.rating,
    };
    match m {
        ErrandMove::Take => {
            let member = match (input.member_id, actor.member_id()) {
                (Some(named), _) if actor.may_write(&before.community_path).is_ok() => {
                    crate::members::policy::resolve(&mut tx, actor, named)
                        .await
                        .map_err(|_| Invalid::new("member_id", named, msg!("没有这名党员")))?;
                    named
                }
                (None, Some(me)) => me,
                (Some(named), _) => {
                    return Err(Invalid::new("member_id", named, msg!("只能由本人接单")).into());
                }
                (None, None) => return Err(Invalid::new("member_id", "", msg!("必填")).into()),
            };
            state.member_id = Some(member);
            state.taken_at = Some(now);
            state.hold_until = Some(errands::hold_until(now, before.due_at));
        }
        ErrandMove::Release => {
            state.member_id = None;
            state.taken_at = None;
            state.hold_until = None;
        }
        ErrandMove::Finish => {
            state.done_at = Some(now);
            state.done_note = note.as_deref();
        }
        ErrandMove::Confirm => {
            state.confirmed_on = Some(clock::today());
            state.rating = rating.filter(|_| policy::own(actor, &before));
        }
        ErrandMove::Refuse if note.is_none() => {
            return Err(Invalid::new("note", "", msg!("请说明理由")).into());
        }
        ErrandMove::Refuse => state.done_note = note.as_deref(),
        ErrandMove::Approve | ErrandMove::Withdraw => {}
    }
    if store::set_state(&mut tx, id, stored.status, &state).await? == 0 {
        return Err(OpsError::conflict(
            "move",
            m.code(),
            msg!("代办已被他人处理，请刷新"),
        ));
    }
    if to == ErrandStatus::Confirmed {
        if let Some(member) = state.member_id {
            crate::points::kept::members(&mut tx, &[member], state.confirmed_on).await?;
        }
        if let Some(need) = before.need_id {
            met_by_errand(
                &mut tx,
                need,
                state.confirmed_on.unwrap_or_else(clock::today),
            )
            .await?;
        }
    }
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: &format!("errand.{}", m.code()),
            target: &format!("errand:{id}"),
            path: Some(&before.community_path),
            before: Some(before.status.code().to_string()),
            after: Some(to.code().to_string()),
        },
    )
    .await?;
    let after = policy::resolve(&mut tx, actor, id).await?;
    tx.commit().await?;
    Ok(after)
}

/// The need an errand met is met on the day it was confirmed, if it is still open.
async fn met_by_errand(
    tx: &mut jiceng_store::Tx,
    need: i64,
    on: chrono::NaiveDate,
) -> Result<(), OpsError> {
    let change = jiceng_store::needs::Change {
        status: NeedStatus::Met,
        merged_into: None,
        met_by: Some(MetBy::Errand),
        met_on: Some(on),
        outcome: None,
        reviewed_by: None,
    };
    if jiceng_store::needs::set_state(tx, need, NeedStatus::Open, &change).await? == 1 {
        let row = jiceng_store::needs::by_id(tx, need)
            .await?
            .expect("still there");
        crate::needs::figures::count(tx, &row, 0, 1).await?;
        crate::matching::rescore(tx, need, NeedStatus::Met).await?;
    }
    Ok(())
}
