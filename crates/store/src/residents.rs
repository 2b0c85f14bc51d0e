//! Residents who sign in with a code, their sign-in codes, and the community's confirmation.

use crate::db::on;
use crate::keyset::{Args, Scope, fetch};
use crate::{StoreError, Tx};
use chrono::{DateTime, Utc};
use jiceng_domain::clock;
use jiceng_domain::residents::ResidentStatus;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ResidentRow {
    pub id: i64,
    pub user_id: i64,
    pub phone: String,
    pub name: String,
    pub community_org_id: i64,
    pub community_name: String,
    pub community_path: String,
    pub place_id: Option<i64>,
    pub place_name: Option<String>,
    pub grid_name: Option<String>,
    pub status: ResidentStatus,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub refusal: Option<String>,
    pub created_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT r.id, r.user_id, r.phone, r.name, r.community_org_id, c.name AS community_name, \
     r.community_path, r.place_id, p.name AS place_name, g.name AS grid_name, r.status, r.reviewed_by, r.reviewed_at, \
     r.refusal, r.created_at FROM residents r JOIN orgs c ON c.id = r.community_org_id \
     LEFT JOIN grid_places p ON p.id = r.place_id LEFT JOIN grids g ON g.id = p.grid_id";

pub struct NewResident<'a> {
    pub user_id: i64,
    pub phone: &'a str,
    pub name: &'a str,
    pub community_org_id: i64,
    pub community_path: &'a str,
    pub place_id: Option<i64>,
}

pub async fn insert(tx: &mut Tx, r: &NewResident<'_>) -> Result<i64, StoreError> {
    let sql = format!(
        "INSERT INTO residents (user_id, phone, name, community_org_id, community_path, place_id, status, created_at, \
         district_org_id, street_org_id) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, {}) RETURNING id",
        crate::orgs::levels_of_community("$4")
    );
    Ok(on!(tx, c => sqlx::query_scalar(&sql)
        .bind(r.user_id).bind(r.phone).bind(r.name).bind(r.community_org_id).bind(r.community_path)
        .bind(r.place_id).bind(clock::now()).fetch_one(c).await)?)
}

pub async fn by_id(tx: &mut Tx, id: i64) -> Result<Option<ResidentRow>, StoreError> {
    let sql = format!("{SELECT} WHERE r.id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, ResidentRow>(&sql).bind(id).fetch_optional(c).await)?)
}

pub async fn by_phone(tx: &mut Tx, phone: &str) -> Result<Option<ResidentRow>, StoreError> {
    let sql = format!("{SELECT} WHERE r.phone = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, ResidentRow>(&sql).bind(phone).fetch_optional(c).await)?)
}

pub async fn by_user(tx: &mut Tx, user: i64) -> Result<Option<ResidentRow>, StoreError> {
    let sql = format!("{SELECT} WHERE r.user_id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, ResidentRow>(&sql).bind(user).fetch_optional(c).await)?)
}

/// Records a review; `from` guards against a second reviewer at once (0 rows when it lost).
pub async fn set_status(
    tx: &mut Tx,
    id: i64,
    from: ResidentStatus,
    to: ResidentStatus,
    by: &str,
    refusal: Option<&str>,
) -> Result<u64, StoreError> {
    Ok(on!(tx, c => sqlx::query(
        "UPDATE residents SET status = $1, reviewed_by = $2, reviewed_at = $3, refusal = $4 WHERE id = $5 AND status = $6")
        .bind(to).bind(by).bind(clock::now()).bind(refusal).bind(id).bind(from)
        .execute(c).await.map(|r| r.rows_affected()))?)
}

/// The residents of a scope in one status, newest first: the `limit` after the id `after`.
pub async fn within(
    tx: &mut Tx,
    scope: &Scope,
    status: ResidentStatus,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<ResidentRow>, StoreError> {
    let mut a = Args::default();
    let mut wh: Vec<String> = a
        .scope_with("r.", "r.community_path", scope)
        .into_iter()
        .collect();
    wh.push(format!("r.status = {}", a.text(status.code())));
    if let Some(id) = after {
        wh.push(format!("r.id < {}", a.int(id)));
    }
    let sql = format!(
        "{SELECT} WHERE {} ORDER BY r.id DESC LIMIT {limit}",
        wh.join(" AND ")
    );
    fetch(tx, &sql, &a).await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CodeRow {
    pub phone: String,
    pub code_hash: String,
    pub expires_at: DateTime<Utc>,
    pub wrong_tries: i64,
    pub sent_at: DateTime<Utc>,
}

pub async fn code_of(tx: &mut Tx, phone: &str) -> Result<Option<CodeRow>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, CodeRow>(
        "SELECT phone, code_hash, expires_at, wrong_tries, sent_at FROM sign_in_codes WHERE phone = $1")
        .bind(phone).fetch_optional(c).await)?)
}

/// Replaces the number's code with a new one.
pub async fn put_code(
    tx: &mut Tx,
    phone: &str,
    code_hash: &str,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query(
        "INSERT INTO sign_in_codes (phone, code_hash, expires_at, wrong_tries, sent_at) VALUES ($1, $2, $3, 0, $4) \
         ON CONFLICT (phone) DO UPDATE SET code_hash = excluded.code_hash, expires_at = excluded.expires_at, \
         wrong_tries = 0, sent_at = excluded.sent_at")
        .bind(phone).bind(code_hash).bind(expires_at).bind(clock::now()).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Counts a wrong try of the number's code; returns the tries it has now taken.
pub async fn wrong_try(tx: &mut Tx, phone: &str) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "UPDATE sign_in_codes SET wrong_tries = wrong_tries + 1 WHERE phone = $1 RETURNING wrong_tries")
        .bind(phone).fetch_optional(c).await)?
    .unwrap_or(0))
}

/// A code is used once: taken off when it signs in.
pub async fn drop_code(tx: &mut Tx, phone: &str) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("DELETE FROM sign_in_codes WHERE phone = $1").bind(phone).execute(c).await.map(|_| ()))?;
    Ok(())
}
