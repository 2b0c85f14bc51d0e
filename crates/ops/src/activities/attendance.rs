//! Check-in and check-out: by scanning the activity's QR code (a link signed by the activity's
//! own secret, good for fifteen minutes) or written by the organiser for those without phones.
//! Once the activity ends the organiser confirms the hours: each held place checked in and out
//! becomes a service record (members' reach their points), each one never checked in a no-show.

use super::{ActivityDetail, policy};
use crate::input::{opt, required};
use crate::{Actor, OpsError};
use chrono::{DateTime, Duration, Utc};
use jiceng_domain::activities::{self as rules, ActivityStatus, Scan, SignupState};
use jiceng_domain::{Invalid, clock, msg, text};
use jiceng_store::activities::{self as store, ActivityRow, NewServed, SignupRow};
use jiceng_store::{Db, Tx, audit};
use serde::{Deserialize, Serialize};

/// A fresh secret for an activity's links.
pub(crate) fn new_secret() -> String {
    let mut b = [0u8; 24];
    getrandom::fill(&mut b).expect("the OS gives random bytes");
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Codes {
    /// The token of the check-in link (`/activities/{id}/scan?code=…`).
    pub check_in: String,
    pub check_out: String,
    pub expires_at: DateTime<Utc>,
}

/// The activity's check-in and check-out tokens, good for the next fifteen minutes: for the
/// organiser to show as QR codes.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "activity_codes"))]
pub async fn codes(db: &Db, actor: &Actor, id: i64) -> Result<Codes, OpsError> {
    let mut tx = db.read().await?;
    let (a, _) = policy::resolve(&mut tx, actor, id).await?;
    policy::may_organise(actor, &a)?;
    let expires_at = clock::now() + Duration::minutes(rules::TOKEN_MINUTES);
    let exp = expires_at.timestamp();
    Ok(Codes {
        check_in: rules::token(&a.secret, id, Scan::In, exp),
        check_out: rules::token(&a.secret, id, Scan::Out, exp),
        expires_at,
    })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ScanInput {
    /// The token the QR code's link carries.
    pub code: Option<String>,
}

/// Checks the acting volunteer in or out by a scanned code.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "scan"))]
pub async fn scan(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: ScanInput,
) -> Result<ActivityDetail, OpsError> {
    if actor.read_only() {
        return Err(OpsError::Forbidden(msg!("只读令牌不能修改数据")));
    }
    let raw = required("scan_code", &input.code)?.to_string();
    let mut tx = db.write().await?;
    let (a, _) = policy::resolve(&mut tx, actor, id).await?;
    let now = clock::now();
    let action = rules::read_token(&a.secret, id, &raw, now)?;
    let none = || Invalid::new("activity_id", id, msg!("您没有本活动的名额"));
    let v = crate::volunteers::own(&mut tx, actor)
        .await?
        .ok_or_else(none)?;
    let s = store::signup_of(&mut tx, id, v.id)
        .await?
        .ok_or_else(none)?;
    match s.state {
        SignupState::Confirmed => {}
        SignupState::Offered => {
            return Err(
                Invalid::new("signup_state", s.state.code(), msg!("请先确认递补名额")).into(),
            );
        }
        _ => return Err(none().into()),
    }
    let (checked_in, checked_out) = match action {
        Scan::In => {
            if s.checked_in_at.is_some() {
                return Err(Invalid::new("scan_code", "", msg!("您已签到")).into());
            }
            (now, None)
        }
        Scan::Out => {
            let Some(at) = s.checked_in_at else {
                return Err(Invalid::new(
                    "checked_out_at",
                    clock::stamp(now),
                    msg!("尚未签到，不能签退"),
                )
                .into());
            };
            (at, Some(now))
        }
    };
    attend(
        &mut tx,
        &a,
        &s,
        checked_in,
        checked_out,
        None,
        &actor.audit_name(),
    )
    .await?;
    tx.commit().await?;
    // Read back after the commit: the writer's lock is not held for it.
    super::show(db, actor, id).await
}

/// Writes a sign-up's check-in and check-out (and the minutes they give, or the organiser's
/// own), within the activity's window.
async fn attend(
    tx: &mut Tx,
    a: &ActivityRow,
    s: &SignupRow,
    checked_in: DateTime<Utc>,
    checked_out: Option<DateTime<Utc>>,
    hours: Option<i64>,
    by: &str,
) -> Result<(), OpsError> {
    if a.status != ActivityStatus::Published {
        return Err(Invalid::new("activity_id", a.id, msg!("本活动已确认工时或已取消")).into());
    }
    if !rules::in_window(checked_in, a.starts_at, a.ends_at) {
        return Err(Invalid::new(
            "checked_in_at",
            clock::stamp(checked_in),
            msg!("签到时间应在活动开始前一小时到结束后一小时之间"),
        )
        .into());
    }
    let minutes = match checked_out {
        Some(out) => {
            if !rules::in_window(out, a.starts_at, a.ends_at) {
                return Err(Invalid::new(
                    "checked_out_at",
                    clock::stamp(out),
                    msg!("签退时间应在活动开始前一小时到结束后一小时之间"),
                )
                .into());
            }
            let served = rules::served_minutes(checked_in, out, a.starts_at, a.ends_at)?;
            Some(match hours {
                Some(m) => rules::hours_within(m, a.starts_at, a.ends_at)?,
                None => served,
            })
        }
        None => None,
    };
    store::set_attendance(tx, s.id, Some(checked_in), checked_out, minutes).await?;
    audit::append(
        tx,
        audit::Entry {
            actor: by,
            operation: if checked_out.is_some() {
                "signup.check_out"
            } else {
                "signup.check_in"
            },
            target: &format!("signup:{}", s.id),
            path: Some(&a.org_path),
            before: None,
            after: Some(format!(
                "{} – {} ({:?} min)",
                clock::stamp(checked_in),
                checked_out.map(clock::stamp).unwrap_or_default(),
                minutes
            )),
        },
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AttendanceInput {
    pub signup_id: Option<i64>,
    /// Shanghai time, `2026-11-23 08:30`.
    pub checked_in_at: Option<String>,
    pub checked_out_at: Option<String>,
    /// Hours to count instead of those between the times (half hours, up to the activity's length).
    #[serde(default, deserialize_with = "crate::input::text_or_number")]
    pub hours: Option<String>,
}

/// The organiser writes someone's check-in and check-out (for those without phones).
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "record_attendance"))]
pub async fn record(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: AttendanceInput,
) -> Result<ActivityDetail, OpsError> {
    let sid = input
        .signup_id
        .ok_or_else(|| Invalid::new("signup_id", "", msg!("必填")))?;
    let checked_in = text::local_time(
        "checked_in_at",
        required("checked_in_at", &input.checked_in_at)?,
    )?;
    let checked_out = opt(&input.checked_out_at)
        .map(|t| text::local_time("checked_out_at", t))
        .transpose()?;
    let hours = opt(&input.hours)
        .map(jiceng_domain::service::minutes)
        .transpose()?;
    if hours.is_some() && checked_out.is_none() {
        return Err(Invalid::new("checked_out_at", "", msg!("写工时须同时写签退时间")).into());
    }
    let mut tx = db.write().await?;
    let (a, _) = policy::resolve(&mut tx, actor, id).await?;
    policy::may_organise(actor, &a)?;
    let s = store::signup(&mut tx, sid)
        .await?
        .filter(|s| s.activity_id == id)
        .ok_or_else(|| Invalid::new("signup_id", sid, msg!("本活动没有这个报名")))?;
    if s.state != SignupState::Confirmed {
        return Err(
            Invalid::new("signup_id", sid, msg!("只有已报名（确认）的人员可以签到")).into(),
        );
    }
    attend(
        &mut tx,
        &a,
        &s,
        checked_in,
        checked_out,
        hours,
        &actor.audit_name(),
    )
    .await?;
    tx.commit().await?;
    // Read back after the commit: the writer's lock is not held for it.
    super::show(db, actor, id).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CallOffInput {
    /// Why, shown to those signed up.
    pub reason: Option<String>,
}

/// The organiser calls the activity off before it ends: every sign-up is cancelled (nobody is
/// a no-show), and the reason is shown on its page.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "call_off_activity"))]
pub async fn call_off(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: CallOffInput,
) -> Result<ActivityDetail, OpsError> {
    let reason = text::long("reason", required("reason", &input.reason)?, 200)?;
    let mut tx = db.write().await?;
    let (a, _) = policy::resolve(&mut tx, actor, id).await?;
    policy::may_organise(actor, &a)?;
    if a.status != ActivityStatus::Published || clock::now() >= a.ends_at {
        return Err(Invalid::new("activity_id", id, msg!("只能取消尚未结束的活动")).into());
    }
    store::call_off(&mut tx, id, &reason).await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "activity.call_off",
            target: &format!("activity:{id}"),
            path: Some(&a.org_path),
            before: Some(ActivityStatus::Published.code().to_string()),
            after: Some(format!("{}：{reason}", ActivityStatus::Cancelled.code())),
        },
    )
    .await?;
    tx.commit().await?;
    super::show(db, actor, id).await
}

/// The organiser confirms the hours once the activity has ended: service records for those
/// who came (half an hour or more), no-shows for those who held a place and never checked in.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "confirm_hours"))]
pub async fn confirm(db: &Db, actor: &Actor, id: i64) -> Result<ActivityDetail, OpsError> {
    let mut tx = db.write().await?;
    let (a, _) = policy::resolve(&mut tx, actor, id).await?;
    policy::may_organise(actor, &a)?;
    if a.status != ActivityStatus::Published {
        return Err(Invalid::new("activity_id", id, msg!("本活动已确认工时或已取消")).into());
    }
    if clock::now() < a.ends_at {
        return Err(Invalid::new("activity_id", id, msg!("活动结束后才能确认工时")).into());
    }
    let served_on = clock::local(a.starts_at).date();
    let mut members = Vec::new();
    let (mut records, mut no_shows) = (0, 0);
    for s in store::holding(&mut tx, id).await? {
        if s.state == SignupState::Offered {
            // An offer never confirmed lapses; it was no promise to come.
            if store::set_state(
                &mut tx,
                s.id,
                SignupState::Offered,
                SignupState::Lapsed,
                None,
            )
            .await?
            {
                store::count(&mut tx, s.role_id, -1, 0).await?;
            }
            continue;
        }
        match (s.checked_in_at, s.minutes) {
            (None, _) => {
                store::settle(&mut tx, s.id, None, true).await?;
                no_shows += 1;
            }
            (Some(_), Some(m)) if m >= 30 => {
                let sid = store::insert_service(
                    &mut tx,
                    &NewServed {
                        member_id: s.member_id,
                        volunteer_id: s.volunteer_id,
                        activity_id: id,
                        community_org_id: a.community_org_id,
                        served_on,
                        minutes: m,
                        activity: &a.title,
                        by: &actor.audit_name(),
                    },
                )
                .await?;
                store::settle(&mut tx, s.id, Some(sid), false).await?;
                members.extend(s.member_id);
                records += 1;
            }
            // Checked in but not out, or under half an hour: came, but no hours to record.
            (Some(_), _) => {}
        }
    }
    store::end_lines(&mut tx, id).await?;
    store::set_status(&mut tx, id, ActivityStatus::Closed).await?;
    crate::points::kept::members(&mut tx, &members, Some(served_on)).await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "activity.confirm",
            target: &format!("activity:{id}"),
            path: Some(&a.org_path),
            before: Some(ActivityStatus::Published.code().to_string()),
            after: Some(format!("{records} service records, {no_shows} no-shows")),
        },
    )
    .await?;
    tx.commit().await?;
    // Read back after the commit: the writer's lock is not held for it.
    super::show(db, actor, id).await
}
