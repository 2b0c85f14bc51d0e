//! Rooms opened for booking, their closed days, and the bookings that hold them.

use crate::db::on;
use crate::keyset::{Args, Scope, fetch};
use crate::{StoreError, Tx};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use jiceng_domain::bookings::BookingState;
use jiceng_domain::clock;
use jiceng_domain::path::upper;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RoomRow {
    pub id: i64,
    pub name: String,
    pub position_id: Option<i64>,
    pub position_name: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub unit_division: Option<String>,
    pub org_id: i64,
    pub org_name: String,
    pub org_path: String,
    pub capacity: i64,
    pub opens_minute: i64,
    pub closes_minute: i64,
    pub closed_weekdays: i64,
    pub buffer_minutes: i64,
    pub release_minutes: i64,
    pub shared: bool,
    pub needs_approval: bool,
    pub facilities: Option<String>,
}

const ROOM: &str = "SELECT r.id, r.name, r.position_id, p.name AS position_name, r.unit_id, u.name AS unit_name, \
     u.division_code AS unit_division, r.org_id, o.name AS org_name, r.org_path, r.capacity, r.opens_minute, r.closes_minute, \
     r.closed_weekdays, r.buffer_minutes, r.release_minutes, r.shared, r.needs_approval, r.facilities \
     FROM rooms r JOIN orgs o ON o.id = r.org_id LEFT JOIN positions p ON p.id = r.position_id LEFT JOIN units u ON u.id = r.unit_id";

pub struct NewRoom<'a> {
    pub name: &'a str,
    pub position_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub org_id: i64,
    pub org_path: &'a str,
    pub capacity: i64,
    pub opens_minute: i64,
    pub closes_minute: i64,
    pub closed_weekdays: i64,
    pub buffer_minutes: i64,
    pub release_minutes: i64,
    pub shared: bool,
    pub needs_approval: bool,
    pub facilities: Option<&'a str>,
    pub by: &'a str,
}

pub async fn insert_room(tx: &mut Tx, r: &NewRoom<'_>) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "INSERT INTO rooms (name, position_id, unit_id, org_id, org_path, capacity, opens_minute, closes_minute, closed_weekdays, \
         buffer_minutes, release_minutes, shared, needs_approval, facilities, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id")
        .bind(r.name).bind(r.position_id).bind(r.unit_id).bind(r.org_id).bind(r.org_path).bind(r.capacity)
        .bind(r.opens_minute).bind(r.closes_minute).bind(r.closed_weekdays).bind(r.buffer_minutes).bind(r.release_minutes)
        .bind(r.shared).bind(r.needs_approval).bind(r.facilities).bind(r.by).bind(clock::now()).fetch_one(c).await)?)
}

pub async fn room(tx: &mut Tx, id: i64) -> Result<Option<RoomRow>, StoreError> {
    let sql = format!("{ROOM} WHERE r.id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, RoomRow>(&sql).bind(id).fetch_optional(c).await)?)
}

/// Rooms after the id cursor: those kept in the subtree at `path` or of the unit `unit`, and
/// (`shared`) every shared one.
pub async fn rooms(
    tx: &mut Tx,
    path: Option<&str>,
    unit: Option<i64>,
    shared: bool,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<RoomRow>, StoreError> {
    let mut a = Args::default();
    let mut own = Vec::new();
    if let Some(p) = path {
        own.push(format!(
            "(r.org_path >= {} AND r.org_path < {})",
            a.text(p),
            a.text(&upper(p))
        ));
    }
    if let Some(u) = unit {
        own.push(format!("r.unit_id = {}", a.int(u)));
    }
    if shared {
        own.push("r.shared".into());
    }
    if own.is_empty() {
        return Ok(Vec::new());
    }
    let mut wh = vec![format!("({})", own.join(" OR "))];
    if let Some(id) = after {
        wh.push(format!("r.id > {}", a.int(id)));
    }
    let sql = format!(
        "{ROOM} WHERE {} ORDER BY r.id LIMIT {limit}",
        wh.join(" AND ")
    );
    fetch(tx, &sql, &a).await
}

pub async fn closures(tx: &mut Tx, room: i64) -> Result<Vec<NaiveDate>, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "SELECT day FROM room_closures WHERE room_id = $1 AND day >= $2 ORDER BY day LIMIT 400")
        .bind(room).bind(clock::today() - Duration::days(1)).fetch_all(c).await)?)
}

pub async fn close_day(tx: &mut Tx, room: i64, day: NaiveDate) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("INSERT INTO room_closures (room_id, day) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(room).bind(day).execute(c).await.map(|_| ()))?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BookingRow {
    pub id: i64,
    pub room_id: i64,
    pub room_name: String,
    pub room_path: String,
    pub room_unit_id: Option<i64>,
    pub org_id: i64,
    pub org_name: String,
    pub org_path: String,
    pub purpose: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub blocked_until: DateTime<Utc>,
    pub state: BookingState,
    pub reason: Option<String>,
    pub series_id: Option<i64>,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    pub release_minutes: i64,
}

const BOOKING: &str = "SELECT b.id, b.room_id, r.name AS room_name, r.org_path AS room_path, r.unit_id AS room_unit_id, \
     b.org_id, o.name AS org_name, b.org_path, b.purpose, b.starts_at, b.ends_at, b.blocked_until, b.state, b.reason, \
     b.series_id, b.checked_in_at, b.decided_by, r.release_minutes \
     FROM bookings b JOIN rooms r ON r.id = b.room_id JOIN orgs o ON o.id = b.org_id";

/// The live bookings of a room that overlap `[from, until)`. None blocks its room longer than
/// `MAX_BLOCK_MINUTES`, so only those starting that long before `from` or later are read (on
/// `bookings_room`).
pub async fn overlapping(
    tx: &mut Tx,
    room: i64,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<BookingRow>, StoreError> {
    let sql = format!(
        "{BOOKING} WHERE b.room_id = $1 AND b.starts_at >= $2 AND b.starts_at < $3 AND b.blocked_until > $4 \
         AND b.state IN ('pending', 'approved', 'checked_in') ORDER BY b.starts_at LIMIT 20"
    );
    Ok(on!(tx, c => sqlx::query_as::<_, BookingRow>(&sql)
        .bind(room).bind(from - Duration::minutes(jiceng_domain::bookings::MAX_BLOCK_MINUTES)).bind(until).bind(from)
        .fetch_all(c).await)?)
}

pub struct NewBooking<'a> {
    pub room_id: i64,
    pub org_id: i64,
    pub org_path: &'a str,
    pub purpose: &'a str,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub blocked_until: DateTime<Utc>,
    pub state: BookingState,
    pub series_id: Option<i64>,
    pub by: &'a str,
}

pub async fn insert(tx: &mut Tx, b: &NewBooking<'_>) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "INSERT INTO bookings (room_id, org_id, org_path, purpose, starts_at, ends_at, blocked_until, state, series_id, booked_by, created_at, \
         district_org_id, street_org_id, community_org_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
         (SELECT l.district_org_id FROM org_levels l WHERE l.org_id = $2), (SELECT l.street_org_id FROM org_levels l WHERE l.org_id = $2), \
         (SELECT l.community_org_id FROM org_levels l WHERE l.org_id = $2)) RETURNING id")
        .bind(b.room_id).bind(b.org_id).bind(b.org_path).bind(b.purpose).bind(b.starts_at).bind(b.ends_at)
        .bind(b.blocked_until).bind(b.state.code()).bind(b.series_id).bind(b.by).bind(clock::now()).fetch_one(c).await)?)
}

/// Marks bookings as one series (the first one's id).
pub async fn set_series(tx: &mut Tx, id: i64, series: i64) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE bookings SET series_id = $2 WHERE id = $1").bind(id).bind(series)
        .execute(c).await.map(|_| ()))?;
    Ok(())
}

pub async fn booking(tx: &mut Tx, id: i64) -> Result<Option<BookingRow>, StoreError> {
    let sql = format!("{BOOKING} WHERE b.id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, BookingRow>(&sql).bind(id).fetch_optional(c).await)?)
}

/// Moves a booking from `from` to `to`: whether it was still in `from`.
pub async fn set_state(
    tx: &mut Tx,
    id: i64,
    from: BookingState,
    to: BookingState,
    reason: Option<&str>,
    by: &str,
) -> Result<bool, StoreError> {
    let checked = (to == BookingState::CheckedIn).then(clock::now);
    let n = on!(tx, c => sqlx::query(
        "UPDATE bookings SET state = $3, reason = COALESCE($4, reason), decided_by = $5, \
         checked_in_at = COALESCE($6, checked_in_at) WHERE id = $1 AND state = $2")
        .bind(id).bind(from.code()).bind(to.code()).bind(reason).bind(by).bind(checked)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// A room's bookings from `from` on, soonest first (its calendar), after the (start, id) cursor.
pub async fn of_room(
    tx: &mut Tx,
    room: i64,
    from: DateTime<Utc>,
    after: Option<(DateTime<Utc>, i64)>,
    limit: i64,
) -> Result<Vec<BookingRow>, StoreError> {
    let mut a = Args::default();
    let mut wh = vec![
        format!("b.room_id = {}", a.int(room)),
        format!("b.starts_at >= {}", a.time(from)),
    ];
    if let Some((at, id)) = after {
        wh.push(format!(
            "(b.starts_at, b.id) > ({}, {})",
            a.time(at),
            a.int(id)
        ));
    }
    let sql = format!(
        "{BOOKING} WHERE {} ORDER BY b.starts_at, b.id LIMIT {limit}",
        wh.join(" AND ")
    );
    fetch(tx, &sql, &a).await
}

/// The bookings made by orgs of a scope, latest start first, after the cursor.
pub async fn booked_within(
    tx: &mut Tx,
    scope: &Scope,
    after: Option<(DateTime<Utc>, i64)>,
    limit: i64,
) -> Result<Vec<BookingRow>, StoreError> {
    let mut a = Args::default();
    let mut wh: Vec<String> = a.scope("b.", scope).into_iter().collect();
    if let Some((at, id)) = after {
        wh.push(format!(
            "(b.starts_at, b.id) < ({}, {})",
            a.time(at),
            a.int(id)
        ));
    }
    let cond = if wh.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", wh.join(" AND "))
    };
    let sql = format!("{BOOKING} {cond} ORDER BY b.starts_at DESC, b.id DESC LIMIT {limit}");
    fetch(tx, &sql, &a).await
}

/// Bookings waiting for a decision in rooms of the unit `unit` or kept in the subtree at
/// `path`, soonest first (a keeper's queue: pending ones lapse at their start, so few).
pub async fn to_decide(
    tx: &mut Tx,
    path: Option<&str>,
    unit: Option<i64>,
    limit: i64,
) -> Result<Vec<BookingRow>, StoreError> {
    let mut a = Args::default();
    let mut own = Vec::new();
    if let Some(p) = path {
        own.push(format!(
            "(r.unit_id IS NULL AND r.org_path >= {} AND r.org_path < {})",
            a.text(p),
            a.text(&upper(p))
        ));
    }
    if let Some(u) = unit {
        own.push(format!("r.unit_id = {}", a.int(u)));
    }
    if own.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "{BOOKING} WHERE b.state = 'pending' AND ({}) ORDER BY b.starts_at, b.id LIMIT {limit}",
        own.join(" OR ")
    );
    fetch(tx, &sql, &a).await
}

/// Pending bookings whose start has come: nobody decided them in time.
pub async fn undecided(
    tx: &mut Tx,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<BookingRow>, StoreError> {
    let sql = format!(
        "{BOOKING} WHERE b.state = 'pending' AND b.starts_at <= $1 ORDER BY b.starts_at LIMIT {limit}"
    );
    Ok(on!(tx, c => sqlx::query_as::<_, BookingRow>(&sql).bind(now).fetch_all(c).await)?)
}

/// Approved bookings nobody checked into that started before `before`.
pub async fn unattended(
    tx: &mut Tx,
    before: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<BookingRow>, StoreError> {
    let sql = format!(
        "{BOOKING} WHERE b.state = 'approved' AND b.checked_in_at IS NULL AND b.starts_at < $1 ORDER BY b.starts_at LIMIT {limit}"
    );
    Ok(on!(tx, c => sqlx::query_as::<_, BookingRow>(&sql).bind(before).fetch_all(c).await)?)
}

/// Units with a party org, for a generated city's venues: (unit, org, org path).
pub async fn units_with_orgs(
    tx: &mut Tx,
    limit: i64,
) -> Result<Vec<(i64, i64, String)>, StoreError> {
    Ok(
        on!(tx, c => sqlx::query_as::<_, (i64, i64, String)>(&format!(
        "SELECT u.id, o.id, o.path FROM units u JOIN orgs o ON o.id = u.org_id ORDER BY u.id LIMIT {limit}"))
        .fetch_all(c).await)?,
    )
}

/// How many bookings there are, for the bench's report.
pub async fn count(tx: &mut Tx) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM bookings").fetch_one(c).await)?)
}
