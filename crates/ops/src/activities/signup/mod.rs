//! The line of an activity's role: signing up takes a free place or the end of the line
//! (`desk.rs`); a place given back (a cancellation, an offer not confirmed in time) is
//! offered to the first in line, who confirms it by a deadline; the five-minute sweep passes
//! lapsed offers on.

mod desk;

pub use desk::{Desk, SignupInput, sign_up};

use super::{ActivityDetail, Signup, policy};
use crate::{Actor, OpsError};
use chrono::{DateTime, Utc};
use jiceng_domain::activities::{self as rules, SignupState};
use jiceng_domain::{Invalid, clock, msg};
use jiceng_store::activities::{self as store, ActivityRow, SignupRow};
use jiceng_store::{Db, Tx, audit};

/// The acting volunteer's own sign-up for the activity, live.
async fn own_signup(tx: &mut Tx, actor: &Actor, a: &ActivityRow) -> Result<SignupRow, OpsError> {
    let none = || Invalid::new("activity_id", a.id, msg!("您没有报名本活动"));
    let v = crate::volunteers::own(tx, actor).await?.ok_or_else(none)?;
    store::signup_of(tx, a.id, v.id)
        .await?
        .filter(|s| s.state.live())
        .ok_or_else(|| none().into())
}

/// Cancels the actor's sign-up, until the activity's cancelling time; a place given back is
/// offered to the first in line.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "cancel_signup"))]
pub async fn cancel(db: &Db, actor: &Actor, id: i64) -> Result<ActivityDetail, OpsError> {
    if actor.read_only() {
        return Err(OpsError::Forbidden(msg!("只读令牌不能修改数据")));
    }
    let mut tx = db.write().await?;
    let (a, _) = policy::resolve(&mut tx, actor, id).await?;
    let s = own_signup(&mut tx, actor, &a).await?;
    let now = clock::now();
    if s.checked_in_at.is_some() {
        return Err(Invalid::new("activity_id", id, msg!("签到后不能取消报名")).into());
    }
    if s.state.holds_place() && !rules::may_cancel(a.starts_at, a.cancel_before_minutes, now) {
        return Err(Invalid::new(
            "activity_id",
            id,
            msg!(
                "活动开始前 {hours} 小时起不能再取消",
                hours = a.cancel_before_minutes as f64 / 60.0
            ),
        )
        .into());
    }
    give_up(
        &mut tx,
        &a,
        &s,
        SignupState::Cancelled,
        now,
        &actor.audit_name(),
    )
    .await?;
    tx.commit().await?;
    // Read back after the commit: the writer's lock is not held for it.
    super::show(db, actor, id).await
}

/// Moves a live sign-up out (`to`), giving its place to the next in line.
async fn give_up(
    tx: &mut Tx,
    a: &ActivityRow,
    s: &SignupRow,
    to: SignupState,
    now: DateTime<Utc>,
    by: &str,
) -> Result<(), OpsError> {
    if !store::set_state(tx, s.id, s.state, to, None).await? {
        return Ok(());
    }
    if s.state.holds_place() {
        store::count(tx, s.role_id, -1, 0).await?;
        if a.starts_at > now {
            offer_next(tx, a, s.role_id, now).await?;
        }
    } else {
        store::count(tx, s.role_id, 0, -1).await?;
    }
    audit::append(
        tx,
        audit::Entry {
            actor: by,
            operation: &format!("signup.{}", to.code()),
            target: &format!("signup:{}", s.id),
            path: Some(&a.org_path),
            before: Some(s.state.code().to_string()),
            after: Some(to.code().to_string()),
        },
    )
    .await?;
    Ok(())
}

/// Offers a free place of the role to the first in its line, if anyone waits.
async fn offer_next(
    tx: &mut Tx,
    a: &ActivityRow,
    role: i64,
    now: DateTime<Utc>,
) -> Result<(), OpsError> {
    let Some(next) = store::first_waiting(tx, role).await? else {
        return Ok(());
    };
    if !store::take_place(tx, role).await? {
        return Ok(());
    }
    let until = rules::offer_deadline(now, a.starts_at);
    if !store::set_state(
        tx,
        next,
        SignupState::Waiting,
        SignupState::Offered,
        Some(until),
    )
    .await?
    {
        return Err(OpsError::internal(
            "the first in line moved under the writer's lock",
        ));
    }
    store::count(tx, role, 0, -1).await?;
    audit::append(
        tx,
        audit::Entry {
            actor: "system:activities",
            operation: "signup.offered",
            target: &format!("signup:{next}"),
            path: Some(&a.org_path),
            before: Some(SignupState::Waiting.code().to_string()),
            after: Some(format!("offered until {}", clock::stamp(until))),
        },
    )
    .await?;
    Ok(())
}

/// Confirms a place offered to the actor, before its deadline.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "accept_offer"))]
pub async fn accept(db: &Db, actor: &Actor, id: i64) -> Result<ActivityDetail, OpsError> {
    if actor.read_only() {
        return Err(OpsError::Forbidden(msg!("只读令牌不能修改数据")));
    }
    let mut tx = db.write().await?;
    let (a, _) = policy::resolve(&mut tx, actor, id).await?;
    let s = own_signup(&mut tx, actor, &a).await?;
    if s.state != SignupState::Offered {
        return Err(
            Invalid::new("signup_state", s.state.code(), msg!("没有待确认的递补名额")).into(),
        );
    }
    if s.offer_until.is_some_and(|u| u < clock::now()) {
        return Err(Invalid::new(
            "signup_state",
            SignupState::Lapsed.code(),
            msg!("递补名额已过确认期限"),
        )
        .into());
    }
    if !store::set_state(
        &mut tx,
        s.id,
        SignupState::Offered,
        SignupState::Confirmed,
        None,
    )
    .await?
    {
        return Err(
            Invalid::new("signup_state", s.state.code(), msg!("没有待确认的递补名额")).into(),
        );
    }
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "signup.confirmed",
            target: &format!("signup:{}", s.id),
            path: Some(&a.org_path),
            before: Some(SignupState::Offered.code().to_string()),
            after: Some(SignupState::Confirmed.code().to_string()),
        },
    )
    .await?;
    tx.commit().await?;
    // Read back after the commit: the writer's lock is not held for it.
    super::show(db, actor, id).await
}

/// A waiting sign-up's place in its role's line (1 is next).
pub(crate) async fn line_of(tx: &mut Tx, s: &Signup) -> Result<i64, OpsError> {
    let ahead = store::ahead(tx, s.role_id, s.id).await?;
    Ok(ahead + 1)
}

/// The lease key of the sweep.
const SWEEP: i64 = 7_231_031;

/// Passes offers not confirmed by their deadline to the next in line, once across processes;
/// how many lapsed.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "sweep_offers"))]
pub async fn sweep(db: &Db, now: DateTime<Utc>) -> Result<u64, OpsError> {
    let Some(lease) = db.lease(SWEEP).await? else {
        return Ok(0);
    };
    let mut lapsed = 0;
    loop {
        let mut tx = db.write().await?;
        let rows = store::lapsed_offers(&mut tx, now, 200).await?;
        let batch = rows.len();
        for s in rows {
            let a = store::by_id(&mut tx, s.activity_id)
                .await?
                .ok_or_else(|| OpsError::internal("a sign-up's activity is gone"))?;
            give_up(
                &mut tx,
                &a,
                &s,
                SignupState::Lapsed,
                now,
                "system:activities",
            )
            .await?;
            lapsed += 1;
        }
        tx.commit().await?;
        if batch < 200 {
            break;
        }
    }
    lease.release().await?;
    Ok(lapsed)
}
