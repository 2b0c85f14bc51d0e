//! What happens to a booking: the room's keepers approve or refuse it (with a reason); the
//! booking org cancels it or checks in; one approved and never checked into is released a set
//! time after its start, by the five-minute sweep under a lease.

use super::{Booking, policy};
use crate::input::opt;
use crate::{Actor, OpsError};
use chrono::{DateTime, Utc};
use jiceng_domain::bookings::{self as rules, BookingState};
use jiceng_domain::{Invalid, clock, msg, text};
use jiceng_store::bookings as store;
use jiceng_store::{Db, audit};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DecisionInput {
    /// approve, refuse, cancel or check_in.
    pub decision: Option<String>,
    /// Why it is refused (required to refuse).
    pub reason: Option<String>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "decide_booking"))]
pub async fn decide(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: DecisionInput,
) -> Result<Booking, OpsError> {
    let decision = crate::input::required("decision", &input.decision)?.to_string();
    let mut tx = db.write().await?;
    let b = policy::booking(&mut tx, actor, id).await?;
    let offers = Booking::of(b.clone(), actor).offers;
    if !offers.contains(&decision.as_str()) {
        let known = ["approve", "refuse", "cancel", "check_in"].contains(&decision.as_str());
        return Err(if known {
            OpsError::conflict(
                "decision",
                &decision,
                msg!(
                    "此预约当前不能这样处理（{state}）",
                    state = jiceng_domain::Label(b.state.label())
                ),
            )
        } else {
            Invalid::new(
                "decision",
                &decision,
                msg!("应为 approve、refuse、cancel 或 check_in"),
            )
            .into()
        });
    }
    let reason = match decision.as_str() {
        "refuse" => Some(text::long(
            "reason",
            opt(&input.reason).ok_or_else(|| Invalid::new("reason", "", msg!("拒绝需写明理由")))?,
            200,
        )?),
        _ => None,
    };
    let to = match decision.as_str() {
        "approve" => BookingState::Approved,
        "refuse" => BookingState::Refused,
        "cancel" => BookingState::Cancelled,
        _ => BookingState::CheckedIn,
    };
    if !store::set_state(
        &mut tx,
        id,
        b.state,
        to,
        reason.as_deref(),
        &actor.audit_name(),
    )
    .await?
    {
        return Err(OpsError::conflict(
            "decision",
            &decision,
            msg!("预约刚被他人处理，请刷新"),
        ));
    }
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: &format!("booking.{decision}"),
            target: &format!("booking:{id}"),
            path: Some(&b.org_path),
            before: Some(b.state.code().to_string()),
            after: Some(match &reason {
                Some(r) => format!("{}：{r}", to.code()),
                None => to.code().to_string(),
            }),
        },
    )
    .await?;
    let out = Booking::of(
        store::booking(&mut tx, id).await?.expect("still there"),
        actor,
    );
    tx.commit().await?;
    Ok(out)
}

/// The lease key of the sweep.
const SWEEP: i64 = 7_231_051;

/// Releases approved bookings nobody checked into in time, and refuses those nobody decided
/// before their start, once across processes: how many.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "sweep_bookings"))]
pub async fn sweep(db: &Db, now: DateTime<Utc>) -> Result<u64, OpsError> {
    let Some(lease) = db.lease(SWEEP).await? else {
        return Ok(0);
    };
    let mut tx = db.write().await?;
    let mut released = 0;
    // Bookings nobody decided before their start lapse, as refused.
    for b in store::undecided(&mut tx, now, 500).await? {
        let why = "开始前未获审批";
        if store::set_state(
            &mut tx,
            b.id,
            BookingState::Pending,
            BookingState::Refused,
            Some(why),
            "system:bookings",
        )
        .await?
        {
            released += 1;
            audit::append(
                &mut tx,
                audit::Entry {
                    actor: "system:bookings",
                    operation: "booking.lapsed",
                    target: &format!("booking:{}", b.id),
                    path: Some(&b.org_path),
                    before: Some(BookingState::Pending.code().to_string()),
                    after: Some(format!("{}：{why}", BookingState::Refused.code())),
                },
            )
            .await?;
        }
    }
    for b in store::unattended(&mut tx, now, 500).await? {
        if !rules::released(b.starts_at, b.release_minutes, now) {
            continue;
        }
        if store::set_state(
            &mut tx,
            b.id,
            BookingState::Approved,
            BookingState::Released,
            None,
            "system:bookings",
        )
        .await?
        {
            released += 1;
            audit::append(
                &mut tx,
                audit::Entry {
                    actor: "system:bookings",
                    operation: "booking.released",
                    target: &format!("booking:{}", b.id),
                    path: Some(&b.org_path),
                    before: Some(BookingState::Approved.code().to_string()),
                    after: Some(format!("released at {}", clock::stamp(now))),
                },
            )
            .await?;
        }
    }
    tx.commit().await?;
    lease.release().await?;
    Ok(released)
}
