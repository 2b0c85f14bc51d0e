//! 红色代办 records, and the counts of confirmed errands the points read.

use crate::db::on;
use crate::keyset::{Args, Scope, fetch};
use crate::{StoreError, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use jiceng_domain::clock;
use jiceng_domain::errands::{ErrandKind, ErrandStatus};
use jiceng_domain::path::upper;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ErrandRow {
    pub id: i64,
    pub community_org_id: i64,
    pub community_name: String,
    pub community_path: String,
    pub kind: ErrandKind,
    pub title: String,
    pub detail: Option<String>,
    pub resident_id: Option<i64>,
    pub resident_user_id: Option<i64>,
    pub resident_name: Option<String>,
    pub for_whom: Option<String>,
    pub place_id: Option<i64>,
    pub place_name: Option<String>,
    pub need_id: Option<i64>,
    pub due_at: DateTime<Utc>,
    pub status: ErrandStatus,
    pub member_id: Option<i64>,
    pub member_name: Option<String>,
    pub taken_at: Option<DateTime<Utc>>,
    pub hold_until: Option<DateTime<Utc>>,
    pub done_at: Option<DateTime<Utc>>,
    pub done_note: Option<String>,
    pub confirmed_on: Option<NaiveDate>,
    pub rating: Option<i64>,
    pub posted_by: String,
    pub created_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT e.id, e.community_org_id, c.name AS community_name, e.community_path, e.kind, e.title, \
     e.detail, e.resident_id, r.user_id AS resident_user_id, r.name AS resident_name, e.for_whom, e.place_id, \
     p.name AS place_name, e.need_id, e.due_at, e.status, e.member_id, m.name AS member_name, e.taken_at, e.hold_until, \
     e.done_at, e.done_note, e.confirmed_on, e.rating, e.posted_by, e.created_at \
     FROM errands e JOIN orgs c ON c.id = e.community_org_id LEFT JOIN residents r ON r.id = e.resident_id \
     LEFT JOIN grid_places p ON p.id = e.place_id LEFT JOIN members m ON m.id = e.member_id";

pub struct NewErrand<'a> {
    pub community_org_id: i64,
    pub community_path: &'a str,
    pub kind: ErrandKind,
    pub title: &'a str,
    pub detail: Option<&'a str>,
    pub resident_id: Option<i64>,
    pub for_whom: Option<&'a str>,
    pub place_id: Option<i64>,
    pub need_id: Option<i64>,
    pub due_at: DateTime<Utc>,
    pub status: ErrandStatus,
    pub by: &'a str,
}

pub async fn insert(tx: &mut Tx, e: &NewErrand<'_>) -> Result<i64, StoreError> {
    let sql = format!(
        "INSERT INTO errands (community_org_id, community_path, kind, title, detail, resident_id, for_whom, place_id, \
         need_id, due_at, status, posted_by, created_at, district_org_id, street_org_id) VALUES ($1, $2, $3, $4, $5, $6, \
         $7, $8, $9, $10, $11, $12, $13, {}) RETURNING id",
        crate::orgs::levels_of_community("$1")
    );
    Ok(on!(tx, c => sqlx::query_scalar(&sql)
        .bind(e.community_org_id).bind(e.community_path).bind(e.kind).bind(e.title).bind(e.detail)
        .bind(e.resident_id).bind(e.for_whom).bind(e.place_id).bind(e.need_id).bind(e.due_at).bind(e.status)
        .bind(e.by).bind(clock::now()).fetch_one(c).await)?)
}

pub async fn by_id(tx: &mut Tx, id: i64) -> Result<Option<ErrandRow>, StoreError> {
    let sql = format!("{SELECT} WHERE e.id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, ErrandRow>(&sql).bind(id).fetch_optional(c).await)?)
}

/// What a move writes: the status and the taker's fields as they are after it.
pub struct State<'a> {
    pub status: ErrandStatus,
    pub member_id: Option<i64>,
    pub taken_at: Option<DateTime<Utc>>,
    pub hold_until: Option<DateTime<Utc>>,
    pub done_at: Option<DateTime<Utc>>,
    pub done_note: Option<&'a str>,
    pub confirmed_on: Option<NaiveDate>,
    pub rating: Option<i64>,
}

/// Writes a move; `from` guards against a concurrent one (0 rows when it lost).
pub async fn set_state(
    tx: &mut Tx,
    id: i64,
    from: ErrandStatus,
    s: &State<'_>,
) -> Result<u64, StoreError> {
    Ok(on!(tx, c => sqlx::query(
        "UPDATE errands SET status = $1, member_id = $2, taken_at = $3, hold_until = $4, done_at = $5, done_note = $6, \
         confirmed_on = $7, rating = $8 WHERE id = $9 AND status = $10")
        .bind(s.status).bind(s.member_id).bind(s.taken_at).bind(s.hold_until).bind(s.done_at).bind(s.done_note)
        .bind(s.confirmed_on).bind(s.rating).bind(id).bind(from)
        .execute(c).await.map(|r| r.rows_affected()))?)
}

/// Errands of a scope, newest first.
pub async fn within(
    tx: &mut Tx,
    scope: &Scope,
    status: Option<ErrandStatus>,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<ErrandRow>, StoreError> {
    let mut a = Args::default();
    let mut wh: Vec<String> = a
        .scope_with("e.", "e.community_path", scope)
        .into_iter()
        .collect();
    if let Some(s) = status {
        wh.push(format!("e.status = {}", a.text(s.code())));
    }
    if let Some(id) = after {
        wh.push(format!("e.id < {}", a.int(id)));
    }
    if wh.is_empty() {
        wh.push("1 = 1".into());
    }
    let sql = format!(
        "{SELECT} WHERE {} ORDER BY e.id DESC LIMIT {limit}",
        wh.join(" AND ")
    );
    fetch(tx, &sql, &a).await
}

pub async fn of_resident(
    tx: &mut Tx,
    resident: i64,
    limit: i64,
) -> Result<Vec<ErrandRow>, StoreError> {
    let sql = format!("{SELECT} WHERE e.resident_id = $1 ORDER BY e.id DESC LIMIT $2");
    Ok(
        on!(tx, c => sqlx::query_as::<_, ErrandRow>(&sql).bind(resident).bind(limit).fetch_all(c).await)?,
    )
}

pub async fn of_member(tx: &mut Tx, member: i64, limit: i64) -> Result<Vec<ErrandRow>, StoreError> {
    let sql = format!("{SELECT} WHERE e.member_id = $1 ORDER BY e.id DESC LIMIT $2");
    Ok(
        on!(tx, c => sqlx::query_as::<_, ErrandRow>(&sql).bind(member).bind(limit).fetch_all(c).await)?,
    )
}

/// Errands time has overtaken by `now`: taken ones past their hold, and open or taken ones
/// past their deadline, a batch at a time.
pub async fn overtaken(
    tx: &mut Tx,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<ErrandRow>, StoreError> {
    let sql = format!(
        "{SELECT} WHERE (e.status = 'taken' AND e.hold_until <= $1) OR (e.status IN ('open', 'taken', 'pending') \
         AND e.due_at <= $1) ORDER BY e.id LIMIT $2"
    );
    Ok(on!(tx, c => sqlx::query_as::<_, ErrandRow>(&sql).bind(now).bind(limit).fetch_all(c).await)?)
}

/// Errands a member did and saw confirmed in the dates (their points ledger).
pub async fn confirmed_by(
    tx: &mut Tx,
    member: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ErrandRow>, StoreError> {
    let sql = format!(
        "{SELECT} WHERE e.member_id = $1 AND e.status = 'confirmed' AND e.confirmed_on >= $2 AND e.confirmed_on <= $3 \
         ORDER BY e.confirmed_on, e.id"
    );
    Ok(
        on!(tx, c => sqlx::query_as::<_, ErrandRow>(&sql).bind(member).bind(from).bind(to).fetch_all(c).await)?,
    )
}

/// Errands confirmed in the dates per member (any member; the caller keeps its scope).
pub async fn confirmed_between(
    tx: &mut Tx,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, (i64, i64)>(
        "SELECT member_id, COUNT(*) FROM errands WHERE status = 'confirmed' AND confirmed_on >= $1 AND confirmed_on <= $2 \
         AND member_id IS NOT NULL GROUP BY member_id")
        .bind(from).bind(to).fetch_all(c).await)?)
}

/// Errands confirmed in the dates per member of a subtree.
pub async fn confirmed_within(
    tx: &mut Tx,
    path: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, (i64, i64)>(
        "SELECT e.member_id, COUNT(*) FROM errands e JOIN members p ON p.id = e.member_id \
         WHERE p.org_path >= $1 AND p.org_path < $2 AND e.status = 'confirmed' AND e.confirmed_on >= $3 \
         AND e.confirmed_on <= $4 GROUP BY e.member_id")
        .bind(path).bind(upper(path)).bind(from).bind(to).fetch_all(c).await)?)
}
