//! Booking a room: each occurrence is checked against the room's hours and closed days and
//! against the live bookings with their buffer, in the transaction that writes it (on
//! PostgreSQL an exclusion constraint holds the same rule against a booking written at the
//! same moment). A recurring booking is previewed occurrence by occurrence; conflicting ones
//! are named, or skipped when asked.

use super::{Booking, policy};
use crate::input::{opt, required};
use crate::{Actor, OpsError, Page};
use chrono::{DateTime, Utc};
use jiceng_domain::bookings::{self as rules, BookingState, Repeat};
use jiceng_domain::{Invalid, clock, msg, text};
use jiceng_store::bookings::{self as store, NewBooking, RoomRow};
use jiceng_store::{Db, StoreError, Tx, audit};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct BookingInput {
    /// The org booking (its code); the actor writes its records.
    pub org: Option<String>,
    pub purpose: Option<String>,
    /// Shanghai time, `2026-11-23 09:00`.
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    /// once, daily or weekly; once unless asked.
    pub repeat: Option<String>,
    /// How many occurrences, for a recurring booking (up to 52).
    pub count: Option<u32>,
    /// Book the occurrences that are free and leave out those that conflict.
    #[serde(default)]
    pub skip_conflicts: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Occurrence {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Why it cannot be booked (outside the hours, a closed day, taken), if it cannot.
    pub conflict: Option<String>,
}

struct Asked {
    purpose: String,
    times: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    skip: bool,
}

fn asked(input: &BookingInput) -> Result<Asked, Invalid> {
    let purpose = text::name("purpose", required("purpose", &input.purpose)?, 60)?;
    let starts = text::local_time("starts_at", required("starts_at", &input.starts_at)?)?;
    let ends = text::local_time("ends_at", required("ends_at", &input.ends_at)?)?;
    if starts <= clock::now() {
        return Err(Invalid::new(
            "starts_at",
            clock::stamp(starts),
            msg!("应晚于现在"),
        ));
    }
    let repeat = opt(&input.repeat)
        .map(Repeat::parse)
        .transpose()?
        .unwrap_or(Repeat::Once);
    let times = rules::occurrences(starts, ends, repeat, input.count.unwrap_or(1))?;
    Ok(Asked {
        purpose,
        times,
        skip: input.skip_conflicts,
    })
}

/// Why `[starts, ends)` cannot be booked in the room now, if it cannot.
async fn conflict(
    tx: &mut Tx,
    room: &RoomRow,
    opening: &rules::Opening,
    (starts, ends): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Option<Invalid>, OpsError> {
    if let Err(e) = opening.admits(starts, ends) {
        return Ok(Some(e));
    }
    let blocked = opening.blocked_until(ends);
    let taken = store::overlapping(tx, room.id, starts, blocked).await?;
    Ok(taken.first().map(|b| {
        let local = |t: DateTime<Utc>| clock::local(t).format("%H:%M").to_string();
        Invalid::new(
            "starts_at",
            clock::stamp(starts),
            msg!(
                "与已有预约冲突：{from}–{to} 已被占用（含场地间隔 {buffer} 分钟）",
                from = local(b.starts_at),
                to = local(b.blocked_until),
                buffer = room.buffer_minutes
            ),
        )
    }))
}

/// Each occurrence of a booking, with what stands in its way.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "preview_booking"))]
pub async fn preview(
    db: &Db,
    actor: &Actor,
    room: i64,
    input: BookingInput,
) -> Result<Vec<Occurrence>, OpsError> {
    let a = asked(&input)?;
    let code = required("org", &input.org)?.to_string();
    let mut tx = db.read().await?;
    let r = policy::room(&mut tx, actor, room).await?;
    let org = crate::orgs::policy::named(&mut tx, actor, "org", &code).await?;
    actor.may_write(&org.path)?;
    let opening = super::rooms::opening(&mut tx, &r).await?;
    let mut out = Vec::new();
    for t in a.times {
        let c = conflict(&mut tx, &r, &opening, t).await?;
        out.push(Occurrence {
            starts_at: t.0,
            ends_at: t.1,
            conflict: c.map(|e| e.message.render(jiceng_domain::Lang::Zh)),
        });
    }
    Ok(out)
}

/// Books the room for an org the actor writes: every occurrence, or (asked to skip) the free
/// ones; any conflict otherwise refuses the whole booking, naming the first.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "book_room"))]
pub async fn book(
    db: &Db,
    actor: &Actor,
    room: i64,
    input: BookingInput,
) -> Result<Vec<Booking>, OpsError> {
    let a = asked(&input)?;
    let code = required("org", &input.org)?.to_string();
    let mut tx = db.write().await?;
    let r = policy::room(&mut tx, actor, room).await?;
    let org = crate::orgs::policy::named(&mut tx, actor, "org", &code).await?;
    actor.may_write(&org.path)?;
    let keeps = policy::keeps(actor, &r.org_path, r.unit_id);
    if !r.shared && !keeps {
        return Err(OpsError::Forbidden(msg!("该场地未开放预约")));
    }
    let opening = super::rooms::opening(&mut tx, &r).await?;
    let state = if r.needs_approval && !keeps {
        BookingState::Pending
    } else {
        BookingState::Approved
    };
    let mut made = Vec::new();
    let mut series = None;
    for t in &a.times {
        if let Some(e) = conflict(&mut tx, &r, &opening, *t).await? {
            if a.skip && a.times.len() > 1 {
                continue;
            }
            return Err(e.into());
        }
        let id = store::insert(
            &mut tx,
            &NewBooking {
                room_id: r.id,
                org_id: org.id,
                org_path: &org.path,
                purpose: &a.purpose,
                starts_at: t.0,
                ends_at: t.1,
                blocked_until: opening.blocked_until(t.1),
                state,
                series_id: series,
                by: &actor.audit_name(),
            },
        )
        .await
        .map_err(|e| match e {
            // Another booking of the room written at the same moment (PostgreSQL's constraint).
            StoreError::Duplicate(_) => OpsError::conflict(
                "starts_at",
                clock::stamp(t.0),
                msg!("与已有预约冲突，请刷新后重试"),
            ),
            e => e.into(),
        })?;
        // The first of a series names it; the rest were written with its id.
        if a.times.len() > 1 && series.is_none() {
            series = Some(id);
            store::set_series(&mut tx, id, id).await?;
        }
        made.push(id);
    }
    if made.is_empty() {
        return Err(Invalid::new(
            "starts_at",
            clock::stamp(a.times[0].0),
            msg!("所有时段都有冲突，没有可预约的时段"),
        )
        .into());
    }
    let mut out = Vec::new();
    for id in &made {
        let b = store::booking(&mut tx, *id).await?.expect("just written");
        out.push(Booking::of(b, actor));
    }
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "booking.book",
            target: &format!("room:{}", r.id),
            path: Some(&org.path),
            before: None,
            after: serde_json::to_string(&out).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(out)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListBookings {
    /// An org code within the actor's scope; the whole scope by default.
    pub within: Option<String>,
    /// The `next` of the page before.
    pub after: Option<String>,
    /// Rows a page, 50 unless asked (1–500).
    pub limit: Option<i64>,
}

/// The bookings made by orgs of a scope, latest first.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "list_bookings"))]
pub async fn list(db: &Db, actor: &Actor, q: ListBookings) -> Result<Page<Booking>, OpsError> {
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let after = jiceng_domain::keyset::read(opt(&q.after))?;
    let mut tx = db.read().await?;
    let scope = crate::orgs::list_scope(&mut tx, actor, &q.within).await?;
    let rows = store::booked_within(&mut tx, &scope, after, limit + 1).await?;
    Ok(Page::keyset(
        rows,
        limit,
        |b| (b.starts_at, b.id),
        |b| Booking::of(b, actor),
    ))
}

/// The bookings waiting for the actor's decision: of the rooms they keep, soonest first.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "bookings_to_decide"))]
pub async fn to_decide(db: &Db, actor: &Actor) -> Result<Vec<Booking>, OpsError> {
    let mut tx = db.read().await?;
    let liaison = actor.role() == Some(jiceng_domain::Role::UnitLiaison) && !actor.read_only();
    let path = actor
        .may_write(actor.scope_path())
        .is_ok()
        .then(|| actor.scope_path().to_string());
    let unit = actor.unit_id().filter(|_| liaison);
    Ok(store::to_decide(&mut tx, path.as_deref(), unit, 200)
        .await?
        .into_iter()
        .map(|b| Booking::of(b, actor))
        .collect())
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "booking"))]
pub async fn show(db: &Db, actor: &Actor, id: i64) -> Result<Booking, OpsError> {
    let mut tx = db.read().await?;
    Ok(Booking::of(
        policy::booking(&mut tx, actor, id).await?,
        actor,
    ))
}
