//! Rooms opened for booking: registered by their keepers with opening hours, closed weekdays,
//! a buffer between bookings and how long an unattended booking holds; closed days added.

use super::{Booking, policy};
use crate::input::{opt, required};
use crate::{Actor, OpsError, Page};
use chrono::NaiveDate;
use jiceng_domain::bookings::{self as rules, Opening};
use jiceng_domain::{Invalid, clock, msg, text};
use jiceng_store::bookings::{self as store, NewRoom, RoomRow};
use jiceng_store::{Db, Tx, audit};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Room {
    pub id: i64,
    pub name: String,
    pub position_id: Option<i64>,
    pub position_name: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub org_name: String,
    pub capacity: i64,
    /// Opening hours, `08:30–17:30`.
    pub hours: String,
    /// Closed weekdays, 1 (Monday) to 7.
    pub closed_weekdays: Vec<u8>,
    pub buffer_minutes: i64,
    pub release_minutes: i64,
    pub shared: bool,
    pub needs_approval: bool,
    pub facilities: Option<String>,
    /// Whether the actor keeps it (closes days, approves bookings).
    pub keeps: bool,
}

impl Room {
    pub(crate) fn of(r: RoomRow, actor: &Actor) -> Room {
        Room {
            keeps: policy::keeps(actor, &r.org_path, r.unit_id),
            id: r.id,
            name: r.name,
            position_id: r.position_id,
            position_name: r.position_name,
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            org_name: r.org_name,
            capacity: r.capacity,
            hours: rules::hours(r.opens_minute, r.closes_minute),
            closed_weekdays: (0..7u8)
                .filter(|d| r.closed_weekdays & (1 << d) != 0)
                .map(|d| d + 1)
                .collect(),
            buffer_minutes: r.buffer_minutes,
            release_minutes: r.release_minutes,
            shared: r.shared,
            needs_approval: r.needs_approval,
            facilities: r.facilities,
        }
    }
}

/// A room's rules, with its closed days, as the domain checks them.
pub(crate) async fn opening(tx: &mut Tx, r: &RoomRow) -> Result<Opening, OpsError> {
    Ok(Opening {
        opens: r.opens_minute,
        closes: r.closes_minute,
        closed_weekdays: r.closed_weekdays,
        closed_days: store::closures(tx, r.id).await?,
        buffer_minutes: r.buffer_minutes,
    })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewRoomInput {
    pub name: Option<String>,
    /// The org that keeps it (its code); for a unit's venue, the unit's own org by default.
    pub org: Option<String>,
    /// The service position it is in, if any.
    pub position_id: Option<i64>,
    /// The stationed unit whose venue it is, if any.
    pub unit_id: Option<i64>,
    pub capacity: Option<i64>,
    /// `08:30` and `17:30`.
    pub opens: Option<String>,
    pub closes: Option<String>,
    /// Closed weekdays, `6,7` for the weekend (Monday 1).
    pub closed_weekdays: Option<String>,
    /// Left free after each booking; 15 unless asked.
    pub buffer_minutes: Option<i64>,
    /// An approved booking nobody checked into is released this long after its start; 30 unless asked.
    pub release_minutes: Option<i64>,
    /// Opened for others to book.
    #[serde(default)]
    pub shared: bool,
    /// Bookings by others wait for the keepers' approval.
    #[serde(default)]
    pub needs_approval: bool,
    pub facilities: Option<String>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "register_room"))]
pub async fn register(db: &Db, actor: &Actor, new: NewRoomInput) -> Result<Room, OpsError> {
    let name = text::name("name", required("name", &new.name)?, 40)?;
    let capacity = new.capacity.unwrap_or(20);
    if !(1..=5000).contains(&capacity) {
        return Err(Invalid::new("capacity", capacity, msg!("应为 1 到 5000 人")).into());
    }
    let opens = rules::minute_of_day("opens", opt(&new.opens).unwrap_or("08:30"))?;
    let closes = rules::minute_of_day("closes", opt(&new.closes).unwrap_or("17:30"))?;
    if closes <= opens {
        return Err(Invalid::new(
            "closes",
            rules::hours(opens, closes),
            msg!("闭馆时间应晚于开放时间"),
        )
        .into());
    }
    let closed = rules::weekdays(opt(&new.closed_weekdays).unwrap_or(""))?;
    let buffer = new.buffer_minutes.unwrap_or(15);
    if !(0..=rules::MAX_BUFFER_MINUTES).contains(&buffer) {
        return Err(Invalid::new("buffer_minutes", buffer, msg!("应为 0 到 240 分钟")).into());
    }
    let release = new.release_minutes.unwrap_or(30);
    if !(5..=240).contains(&release) {
        return Err(Invalid::new("release_minutes", release, msg!("应为 5 到 240 分钟")).into());
    }
    let facilities = opt(&new.facilities)
        .map(|f| text::long("facilities", f, 300))
        .transpose()?;
    let mut tx = db.write().await?;
    let unit = match new.unit_id {
        Some(u) => Some(crate::units::policy::named(&mut tx, actor, "unit_id", u).await?),
        None => None,
    };
    let org = match (opt(&new.org), &unit) {
        (Some(code), None) => crate::orgs::policy::named(&mut tx, actor, "org", code).await?,
        (Some(code), Some(u)) if Some(code) != u.org_code.as_deref() => {
            return Err(Invalid::new("org", code, msg!("单位的场地由单位的党组织管理")).into());
        }
        (_, Some(u)) => match u.org_id {
            Some(o) => jiceng_store::orgs::by_id(&mut tx, o)
                .await?
                .ok_or_else(|| OpsError::internal("a unit's org is gone"))?,
            None => {
                return Err(Invalid::new(
                    "org",
                    "",
                    msg!("该单位尚无党组织，请写明管理场地的党组织"),
                )
                .into());
            }
        },
        (None, None) => return Err(Invalid::new("org", "", msg!("必填")).into()),
    };
    if !policy::keeps(actor, &org.path, new.unit_id) {
        return Err(OpsError::Forbidden(msg!(
            "只有场地所属党组织或单位可以登记场地"
        )));
    }
    if let Some(p) = new.position_id {
        let at = match crate::positions::policy::resolve(&mut tx, actor, p).await {
            Err(OpsError::NotFound { .. }) => {
                return Err(Invalid::new("position_id", p, msg!("没有这个阵地")).into());
            }
            other => other?,
        };
        if !at.org_path.starts_with(&org.path) {
            return Err(Invalid::new("position_id", p, msg!("应为所属党组织的阵地")).into());
        }
    }
    let id = store::insert_room(
        &mut tx,
        &NewRoom {
            name: &name,
            position_id: new.position_id,
            unit_id: new.unit_id,
            org_id: org.id,
            org_path: &org.path,
            capacity,
            opens_minute: opens,
            closes_minute: closes,
            closed_weekdays: closed,
            buffer_minutes: buffer,
            release_minutes: release,
            shared: new.shared,
            needs_approval: new.needs_approval,
            facilities: facilities.as_deref(),
            by: &actor.audit_name(),
        },
    )
    .await?;
    let room = Room::of(policy::room(&mut tx, actor, id).await?, actor);
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "room.register",
            target: &format!("room:{id}"),
            path: Some(&org.path),
            before: None,
            after: serde_json::to_string(&room).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(room)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListRooms {
    /// The `next` of the page before.
    pub after: Option<String>,
    /// Rows a page, 50 unless asked (1–500).
    pub limit: Option<i64>,
}

/// The rooms the actor may book or keeps: every shared room and the rooms of their scope.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "list_rooms"))]
pub async fn list(db: &Db, actor: &Actor, q: ListRooms) -> Result<Page<Room>, OpsError> {
    let liaison = actor.role() == Some(jiceng_domain::Role::UnitLiaison);
    if !policy::books(actor) && !liaison {
        return Err(OpsError::Forbidden(msg!("本角色不预约场地")));
    }
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let after = crate::input::after_id(&q.after)?;
    let mut tx = db.read().await?;
    let path = actor
        .may_read(actor.scope_path())
        .is_ok()
        .then(|| actor.scope_path().to_string());
    let unit = (actor.role() == Some(jiceng_domain::Role::UnitLiaison))
        .then(|| actor.unit_id())
        .flatten();
    // A liaison keeps their unit's rooms and books none: theirs alone.
    let rows = store::rooms(&mut tx, path.as_deref(), unit, !liaison, after, limit + 1).await?;
    Ok(Page::after_last(
        rows,
        limit,
        |r| r.id.to_string(),
        |r| Room::of(r, actor),
    ))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoomDetail {
    pub room: Room,
    /// Days it is closed from today on.
    pub closed_days: Vec<NaiveDate>,
    /// Bookings from today on, soonest first (the first 100): the booking org is named only
    /// where the actor reaches the booking.
    pub calendar: Vec<Booking>,
    /// Whether the actor may book it: shared (or theirs), at a desk that books for the orgs
    /// whose records it writes.
    pub may_book: bool,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "room"))]
pub async fn show(db: &Db, actor: &Actor, id: i64) -> Result<RoomDetail, OpsError> {
    let mut tx = db.read().await?;
    let r = policy::room(&mut tx, actor, id).await?;
    let closed_days = store::closures(&mut tx, id).await?;
    let from = clock::start_of(clock::today());
    let calendar = store::of_room(&mut tx, id, from, None, 100)
        .await?
        .into_iter()
        .filter_map(|b| {
            let seen = actor.may_read(&b.org_path).is_ok()
                || policy::keeps(actor, &b.room_path, b.room_unit_id);
            if seen {
                Some(Booking::of(b, actor))
            } else {
                // Another's booking shows as the time it holds the room, and only while it does.
                b.state.live().then(|| Booking::busy(b))
            }
        })
        .collect();
    let room = Room::of(r, actor);
    Ok(RoomDetail {
        may_book: (room.shared || room.keeps)
            && policy::books(actor)
            && actor.may_write(actor.scope_path()).is_ok(),
        room,
        closed_days,
        calendar,
    })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ClosureInput {
    /// A date the room is closed.
    pub day: Option<String>,
}

/// The keepers close the room on a day (bookings already made stand; new ones are refused).
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "close_room_day"))]
pub async fn close_day(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: ClosureInput,
) -> Result<RoomDetail, OpsError> {
    let day = text::date("day", required("day", &input.day)?)?;
    if day < clock::today() {
        return Err(Invalid::new("day", day, msg!("应不早于今天")).into());
    }
    let mut tx = db.write().await?;
    let r = policy::room(&mut tx, actor, id).await?;
    if !policy::keeps(actor, &r.org_path, r.unit_id) {
        return Err(OpsError::Forbidden(msg!(
            "只有场地所属党组织或单位可以设定闭馆日"
        )));
    }
    store::close_day(&mut tx, id, day).await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "room.close_day",
            target: &format!("room:{id}"),
            path: Some(&r.org_path),
            before: None,
            after: Some(day.to_string()),
        },
    )
    .await?;
    tx.commit().await?;
    show(db, actor, id).await
}
