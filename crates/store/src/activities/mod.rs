//! Activities, their roles and the sign-ups. A role's places taken and its line's length are
//! kept on the role; a place is taken by one conditional update (`taken < places`), so even
//! two writers at once could not both take the last one (the writer's lock serialises them
//! besides).

pub mod signing;

use crate::db::on;
use crate::keyset::{Args, Scope, fetch};
use crate::{StoreError, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use jiceng_domain::activities::{ActivityStatus, Audience, SignupState};
use jiceng_domain::clock;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ActivityRow {
    pub id: i64,
    pub title: String,
    pub detail: Option<String>,
    pub community_org_id: i64,
    pub community_name: String,
    pub org_path: String,
    pub district_org_id: Option<i64>,
    pub team_id: Option<i64>,
    pub team_name: Option<String>,
    pub position_id: Option<i64>,
    pub position_name: Option<String>,
    pub grid_id: Option<i64>,
    pub grid_name: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub place: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub audience: Audience,
    pub cancel_before_minutes: i64,
    pub status: ActivityStatus,
    pub cancel_reason: Option<String>,
    pub secret: String,
    pub places: i64,
    pub taken: i64,
    pub waiting: i64,
}

const SELECT: &str = "SELECT a.id, a.title, a.detail, a.community_org_id, c.name AS community_name, a.org_path, \
     a.district_org_id, a.team_id, t.name AS team_name, a.position_id, p.name AS position_name, a.grid_id, \
     g.name AS grid_name, a.lon, a.lat, a.place, a.starts_at, a.ends_at, a.audience, a.cancel_before_minutes, \
     a.status, a.cancel_reason, a.secret, \
     CAST((SELECT COALESCE(SUM(r.places), 0) FROM activity_roles r WHERE r.activity_id = a.id) AS BIGINT) AS places, \
     CAST((SELECT COALESCE(SUM(r.taken), 0) FROM activity_roles r WHERE r.activity_id = a.id) AS BIGINT) AS taken, \
     CAST((SELECT COALESCE(SUM(r.waiting), 0) FROM activity_roles r WHERE r.activity_id = a.id) AS BIGINT) AS waiting \
     FROM activities a JOIN orgs c ON c.id = a.community_org_id LEFT JOIN volunteer_teams t ON t.id = a.team_id \
     LEFT JOIN positions p ON p.id = a.position_id LEFT JOIN grids g ON g.id = a.grid_id";

pub struct NewActivity<'a> {
    pub title: &'a str,
    pub detail: Option<&'a str>,
    pub community_org_id: i64,
    pub org_path: &'a str,
    pub team_id: Option<i64>,
    pub position_id: Option<i64>,
    pub grid_id: Option<i64>,
    pub point: Option<(f64, f64)>,
    pub place: Option<&'a str>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub audience: Audience,
    pub cancel_before_minutes: i64,
    pub secret: &'a str,
    pub by: &'a str,
}

pub async fn insert(tx: &mut Tx, a: &NewActivity<'_>) -> Result<i64, StoreError> {
    let sql = format!(
        "INSERT INTO activities (title, detail, community_org_id, org_path, team_id, position_id, grid_id, lon, lat, place, \
         starts_at, ends_at, audience, cancel_before_minutes, status, secret, created_by, created_at, district_org_id, street_org_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, {}) RETURNING id",
        crate::orgs::levels_of_community("$3")
    );
    Ok(on!(tx, c => sqlx::query_scalar(&sql)
        .bind(a.title).bind(a.detail).bind(a.community_org_id).bind(a.org_path).bind(a.team_id).bind(a.position_id)
        .bind(a.grid_id).bind(a.point.map(|p| p.0)).bind(a.point.map(|p| p.1)).bind(a.place).bind(a.starts_at)
        .bind(a.ends_at).bind(a.audience.code()).bind(a.cancel_before_minutes).bind(ActivityStatus::Published.code())
        .bind(a.secret).bind(a.by).bind(clock::now()).fetch_one(c).await)?)
}

pub async fn add_role(
    tx: &mut Tx,
    activity: i64,
    name: &str,
    places: i64,
) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "INSERT INTO activity_roles (activity_id, name, places) VALUES ($1, $2, $3) RETURNING id")
        .bind(activity).bind(name).bind(places).fetch_one(c).await)?)
}

pub async fn by_id(tx: &mut Tx, id: i64) -> Result<Option<ActivityRow>, StoreError> {
    let sql = format!("{SELECT} WHERE a.id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, ActivityRow>(&sql).bind(id).fetch_optional(c).await)?)
}

/// Calls an activity off: every sign-up still in it is cancelled and the roles emptied.
pub async fn call_off(tx: &mut Tx, id: i64, reason: &str) -> Result<(), StoreError> {
    let now = clock::now();
    on!(tx, c => sqlx::query("UPDATE activities SET status = 'cancelled', cancel_reason = $2 WHERE id = $1")
        .bind(id).bind(reason).execute(c).await.map(|_| ()))?;
    on!(tx, c => sqlx::query(
        "UPDATE signups SET state = 'cancelled', offer_until = NULL, updated_at = $2 \
         WHERE activity_id = $1 AND state IN ('confirmed', 'offered', 'waiting')")
        .bind(id).bind(now).execute(c).await.map(|_| ()))?;
    on!(tx, c => sqlx::query("UPDATE activity_roles SET taken = 0, waiting = 0 WHERE activity_id = $1")
        .bind(id).execute(c).await.map(|_| ()))?;
    Ok(())
}

pub async fn set_status(tx: &mut Tx, id: i64, status: ActivityStatus) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE activities SET status = $2 WHERE id = $1")
        .bind(id).bind(status.code()).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// The activities of a scope, latest start first: the `limit` after the (start, id) cursor.
pub async fn within(
    tx: &mut Tx,
    scope: &Scope,
    after: Option<(DateTime<Utc>, i64)>,
    limit: i64,
) -> Result<Vec<ActivityRow>, StoreError> {
    let mut a = Args::default();
    let mut wh: Vec<String> = a.scope("a.", scope).into_iter().collect();
    if let Some((at, id)) = after {
        wh.push(format!(
            "(a.starts_at, a.id) < ({}, {})",
            a.time(at),
            a.int(id)
        ));
    }
    let cond = if wh.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", wh.join(" AND "))
    };
    let sql = format!("{SELECT} {cond} ORDER BY a.starts_at DESC, a.id DESC LIMIT {limit}");
    fetch(tx, &sql, &a).await
}

/// Published activities of a district starting after `from`, soonest first, after the cursor.
pub async fn upcoming(
    tx: &mut Tx,
    district: i64,
    from: DateTime<Utc>,
    after: Option<(DateTime<Utc>, i64)>,
    limit: i64,
) -> Result<Vec<ActivityRow>, StoreError> {
    let mut a = Args::default();
    let mut wh = vec![
        format!("a.district_org_id = {}", a.int(district)),
        format!("a.starts_at > {}", a.time(from)),
        format!("a.status = {}", a.text(ActivityStatus::Published.code())),
    ];
    if let Some((at, id)) = after {
        wh.push(format!(
            "(a.starts_at, a.id) > ({}, {})",
            a.time(at),
            a.int(id)
        ));
    }
    let sql = format!(
        "{SELECT} WHERE {} ORDER BY a.starts_at, a.id LIMIT {limit}",
        wh.join(" AND ")
    );
    fetch(tx, &sql, &a).await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RoleRow {
    pub id: i64,
    pub activity_id: i64,
    pub name: String,
    pub places: i64,
    pub taken: i64,
    pub waiting: i64,
}

pub async fn roles(tx: &mut Tx, activity: i64) -> Result<Vec<RoleRow>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, RoleRow>(
        "SELECT id, activity_id, name, places, taken, waiting FROM activity_roles WHERE activity_id = $1 ORDER BY id")
        .bind(activity).fetch_all(c).await)?)
}

/// Takes one of the role's places if one is free: whether it did.
pub async fn take_place(tx: &mut Tx, role: i64) -> Result<bool, StoreError> {
    let n = on!(tx, c => sqlx::query(
        "UPDATE activity_roles SET taken = taken + 1 WHERE id = $1 AND taken < places")
        .bind(role).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Changes a role's counts by the given steps.
pub async fn count(tx: &mut Tx, role: i64, taken: i64, waiting: i64) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query(
        "UPDATE activity_roles SET taken = taken + $2, waiting = waiting + $3 WHERE id = $1")
        .bind(role).bind(taken).bind(waiting).execute(c).await.map(|_| ()))?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SignupRow {
    pub id: i64,
    pub activity_id: i64,
    pub activity_title: String,
    pub activity_starts_at: DateTime<Utc>,
    pub role_id: i64,
    pub role_name: String,
    pub volunteer_id: i64,
    pub volunteer_name: String,
    pub member_id: Option<i64>,
    pub resident_id: Option<i64>,
    pub state: SignupState,
    pub queued_at: DateTime<Utc>,
    pub offer_until: Option<DateTime<Utc>>,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_out_at: Option<DateTime<Utc>>,
    pub minutes: Option<i64>,
    pub no_show: bool,
    pub service_id: Option<i64>,
}

const SIGNUP: &str = "SELECT s.id, s.activity_id, a.title AS activity_title, a.starts_at AS activity_starts_at, s.role_id, r.name AS role_name, s.volunteer_id, v.name AS volunteer_name, \
     v.member_id, v.resident_id, s.state, s.queued_at, s.offer_until, s.checked_in_at, s.checked_out_at, s.minutes, \
     s.no_show, s.service_id FROM signups s JOIN activities a ON a.id = s.activity_id JOIN activity_roles r ON r.id = s.role_id \
     JOIN volunteers v ON v.id = s.volunteer_id";

pub async fn signup(tx: &mut Tx, id: i64) -> Result<Option<SignupRow>, StoreError> {
    let sql = format!("{SIGNUP} WHERE s.id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, SignupRow>(&sql).bind(id).fetch_optional(c).await)?)
}

/// A volunteer's sign-up for an activity, whatever its state.
pub async fn signup_of(
    tx: &mut Tx,
    activity: i64,
    volunteer: i64,
) -> Result<Option<SignupRow>, StoreError> {
    let sql = format!("{SIGNUP} WHERE s.activity_id = $1 AND s.volunteer_id = $2");
    Ok(
        on!(tx, c => sqlx::query_as::<_, SignupRow>(&sql).bind(activity).bind(volunteer).fetch_optional(c).await)?,
    )
}

/// The sign-ups of an activity holding a place (confirmed, or offered), for confirming its
/// hours: at most the places of its roles.
pub async fn holding(tx: &mut Tx, activity: i64) -> Result<Vec<SignupRow>, StoreError> {
    let sql = format!(
        "{SIGNUP} WHERE s.activity_id = $1 AND s.state IN ('confirmed', 'offered') ORDER BY s.id"
    );
    Ok(on!(tx, c => sqlx::query_as::<_, SignupRow>(&sql).bind(activity).fetch_all(c).await)?)
}

/// Ends the line of an activity that is over: those still waiting lapse (the roles' counts
/// follow).
pub async fn end_lines(tx: &mut Tx, activity: i64) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query(
        "UPDATE signups SET state = 'lapsed', updated_at = $2 WHERE activity_id = $1 AND state = 'waiting'")
        .bind(activity).bind(clock::now()).execute(c).await.map(|_| ()))?;
    on!(tx, c => sqlx::query("UPDATE activity_roles SET waiting = 0 WHERE activity_id = $1")
        .bind(activity).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// An activity's sign-ups by role, then the line's order.
pub async fn roster(tx: &mut Tx, activity: i64, limit: i64) -> Result<Vec<SignupRow>, StoreError> {
    let sql = format!(
        "{SIGNUP} WHERE s.activity_id = $1 ORDER BY s.role_id, s.queued_at, s.id LIMIT {limit}"
    );
    Ok(on!(tx, c => sqlx::query_as::<_, SignupRow>(&sql).bind(activity).fetch_all(c).await)?)
}

/// Writes a new sign-up, or brings back one cancelled or lapsed (one row per volunteer and
/// activity): its id.
pub async fn put_signup(
    tx: &mut Tx,
    activity: i64,
    role: i64,
    volunteer: i64,
    state: SignupState,
) -> Result<i64, StoreError> {
    let now = clock::now();
    Ok(on!(tx, c => sqlx::query_scalar(
        "INSERT INTO signups (activity_id, role_id, volunteer_id, state, queued_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5, $5) \
         ON CONFLICT (activity_id, volunteer_id) DO UPDATE SET role_id = excluded.role_id, state = excluded.state, \
         queued_at = excluded.queued_at, offer_until = NULL, checked_in_at = NULL, checked_out_at = NULL, minutes = NULL, \
         no_show = FALSE, service_id = NULL, updated_at = excluded.updated_at RETURNING id")
        .bind(activity).bind(role).bind(volunteer).bind(state.code()).bind(now).fetch_one(c).await)?)
}

/// Moves a sign-up from `from` to `to` (with the offer's deadline when offered): whether it
/// was still in `from`.
pub async fn set_state(
    tx: &mut Tx,
    id: i64,
    from: SignupState,
    to: SignupState,
    offer_until: Option<DateTime<Utc>>,
) -> Result<bool, StoreError> {
    let n = on!(tx, c => sqlx::query(
        "UPDATE signups SET state = $3, offer_until = $4, updated_at = $5 WHERE id = $1 AND state = $2")
        .bind(id).bind(from.code()).bind(to.code()).bind(offer_until).bind(clock::now())
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// The first in a role's line.
pub async fn first_waiting(tx: &mut Tx, role: i64) -> Result<Option<i64>, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "SELECT id FROM signups WHERE role_id = $1 AND state = 'waiting' ORDER BY queued_at, id LIMIT 1")
        .bind(role).fetch_optional(c).await)?)
}

/// Offers past their deadline at `now`, oldest first.
pub async fn lapsed_offers(
    tx: &mut Tx,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<SignupRow>, StoreError> {
    let sql = format!(
        "{SIGNUP} WHERE s.state = 'offered' AND s.offer_until < $1 ORDER BY s.offer_until, s.id LIMIT {limit}"
    );
    Ok(on!(tx, c => sqlx::query_as::<_, SignupRow>(&sql).bind(now).fetch_all(c).await)?)
}

pub async fn set_attendance(
    tx: &mut Tx,
    id: i64,
    checked_in_at: Option<DateTime<Utc>>,
    checked_out_at: Option<DateTime<Utc>>,
    minutes: Option<i64>,
) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query(
        "UPDATE signups SET checked_in_at = $2, checked_out_at = $3, minutes = $4, updated_at = $5 WHERE id = $1")
        .bind(id).bind(checked_in_at).bind(checked_out_at).bind(minutes).bind(clock::now())
        .execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Marks how a held place ended: the service record it produced, or a no-show.
pub async fn settle(
    tx: &mut Tx,
    id: i64,
    service: Option<i64>,
    no_show: bool,
) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE signups SET service_id = $2, no_show = $3, updated_at = $4 WHERE id = $1")
        .bind(id).bind(service).bind(no_show).bind(clock::now()).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// A volunteer's no-shows on activities starting on or after `since`: how many, and the day
/// (Shanghai) of the last one's start.
pub async fn no_shows(
    tx: &mut Tx,
    volunteer: i64,
    since: DateTime<Utc>,
) -> Result<(i64, Option<DateTime<Utc>>), StoreError> {
    Ok(
        on!(tx, c => sqlx::query_as::<_, (i64, Option<DateTime<Utc>>)>(
        "SELECT COUNT(*), MAX(a.starts_at) FROM signups s JOIN activities a ON a.id = s.activity_id \
         WHERE s.volunteer_id = $1 AND s.no_show AND a.starts_at >= $2")
        .bind(volunteer).bind(since).fetch_one(c).await)?,
    )
}

/// The no-show policies: (org path, most no-shows a quarter, days paused).
pub async fn no_show_policies(tx: &mut Tx) -> Result<Vec<(String, i64, i64)>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, (String, i64, i64)>(
        "SELECT org_path, max_no_shows, pause_days FROM no_show_policies ORDER BY org_path").fetch_all(c).await)?)
}

pub async fn set_no_show_policy(
    tx: &mut Tx,
    path: &str,
    max: i64,
    pause_days: i64,
) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query(
        "INSERT INTO no_show_policies (org_path, max_no_shows, pause_days) VALUES ($1, $2, $3) \
         ON CONFLICT (org_path) DO UPDATE SET max_no_shows = excluded.max_no_shows, pause_days = excluded.pause_days")
        .bind(path).bind(max).bind(pause_days).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// A volunteer's latest sign-ups, newest first.
pub async fn of_volunteer(
    tx: &mut Tx,
    volunteer: i64,
    limit: i64,
) -> Result<Vec<SignupRow>, StoreError> {
    let sql = format!(
        "{SIGNUP} WHERE s.volunteer_id = $1 ORDER BY s.created_at DESC, s.id DESC LIMIT {limit}"
    );
    Ok(on!(tx, c => sqlx::query_as::<_, SignupRow>(&sql).bind(volunteer).fetch_all(c).await)?)
}

/// The service record an activity's confirmation writes.
pub struct NewServed<'a> {
    pub member_id: Option<i64>,
    pub volunteer_id: i64,
    pub activity_id: i64,
    pub community_org_id: i64,
    pub served_on: NaiveDate,
    pub minutes: i64,
    pub activity: &'a str,
    pub by: &'a str,
}

pub async fn insert_service(tx: &mut Tx, s: &NewServed<'_>) -> Result<i64, StoreError> {
    let sql = format!(
        "INSERT INTO service_records (member_id, volunteer_id, activity_id, community_org_id, served_on, minutes, activity, \
         recorded_by, created_at, district_org_id, street_org_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, {}) RETURNING id",
        crate::orgs::levels_of_community("$4")
    );
    Ok(on!(tx, c => sqlx::query_scalar(&sql)
        .bind(s.member_id).bind(s.volunteer_id).bind(s.activity_id).bind(s.community_org_id).bind(s.served_on)
        .bind(s.minutes).bind(s.activity).bind(s.by).bind(clock::now()).fetch_one(c).await)?)
}

/// How many wait ahead of the sign-up `id` in its role's line.
pub async fn ahead(tx: &mut Tx, role: i64, id: i64) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM signups s WHERE s.role_id = $1 AND s.state = 'waiting' \
         AND (s.queued_at, s.id) < (SELECT t.queued_at, t.id FROM signups t WHERE t.id = $2)")
        .bind(role).bind(id).fetch_one(c).await)?)
}
