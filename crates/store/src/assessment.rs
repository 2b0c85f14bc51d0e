//! Org assessment: settings, per-org counts of employed and registered members, and the
//! rectification records of weak orgs.

use crate::db::on;
use crate::{StoreError, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use jiceng_domain::clock;
use jiceng_domain::path::upper;

pub async fn setting(tx: &mut Tx, key: &str) -> Result<Option<String>, StoreError> {
    Ok(
        on!(tx, c => sqlx::query_scalar("SELECT value FROM settings WHERE key = $1").bind(key).fetch_optional(c).await)?,
    )
}

pub async fn set_setting(tx: &mut Tx, key: &str, value: &str) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("DELETE FROM settings WHERE key = $1").bind(key).execute(c).await.map(|r| r.rows_affected()))?;
    on!(tx, c => sqlx::query("INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)")
        .bind(key).bind(value).bind(clock::now()).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Members per org (directly) of a subtree with the category bit set.
pub async fn with_category_per_org(
    tx: &mut Tx,
    path: &str,
    bit: i64,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let up = upper(path);
    Ok(on!(tx, c => sqlx::query_as::<_, (i64, i64)>(
        "SELECT org_id, COUNT(*) FROM members WHERE org_path >= $1 AND org_path < $2 AND (categories & $3) <> 0 GROUP BY org_id")
        .bind(path).bind(&up).bind(bit).fetch_all(c).await)?)
}

/// Members per org (directly) of a subtree with a 双报到 registration active in the dates.
pub async fn registered_per_org(
    tx: &mut Tx,
    path: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let up = upper(path);
    Ok(on!(tx, c => sqlx::query_as::<_, (i64, i64)>(
        "SELECT p.org_id, COUNT(DISTINCT p.id) FROM registrations r JOIN members p ON p.id = r.member_id \
         WHERE p.org_path >= $1 AND p.org_path < $2 AND r.registered_on <= $3 AND (r.ended_on IS NULL OR r.ended_on >= $4) \
         GROUP BY p.org_id")
        .bind(path).bind(&up).bind(to).bind(from).fetch_all(c).await)?)
}

/// Per grid branch (一网格一支部) of a subtree: cases of its grid closed between two moments,
/// and how many of them by their deadline.
pub async fn cases_closed_per_branch(
    tx: &mut Tx,
    path: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(i64, i64, i64)>, StoreError> {
    let up = upper(path);
    Ok(on!(tx, c => sqlx::query_as::<_, (i64, i64, i64)>(
        "SELECT g.branch_org_id, COUNT(*), CAST(SUM(CASE WHEN c.due_at IS NULL OR c.closed_at <= c.due_at THEN 1 ELSE 0 END) AS BIGINT) \
         FROM cases c JOIN grids g ON g.id = c.grid_id \
         WHERE c.closed_at >= $1 AND c.closed_at < $2 AND c.org_path >= $3 AND c.org_path < $4 AND g.branch_org_id IS NOT NULL \
         GROUP BY g.branch_org_id")
        .bind(from).bind(to).bind(path).bind(&up).fetch_all(c).await)?)
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct RectificationRow {
    pub id: i64,
    pub org_id: i64,
    pub org_code: String,
    pub org_name: String,
    pub org_path: String,
    pub period: String,
    pub score: Option<f64>,
    pub plan: String,
    pub progress: Option<String>,
    pub status: jiceng_domain::assessment::RectificationStatus,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub closed_by: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
}

const SELECT: &str = "SELECT r.id, r.org_id, o.code AS org_code, o.name AS org_name, r.org_path, r.period, r.score, r.plan, \
     r.progress, r.status, r.created_by, r.created_at, r.closed_by, r.closed_at FROM rectifications r JOIN orgs o ON o.id = r.org_id";

pub async fn insert(
    tx: &mut Tx,
    org_id: i64,
    org_path: &str,
    period: &str,
    score: Option<f64>,
    plan: &str,
    by: &str,
) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "INSERT INTO rectifications (org_id, org_path, period, score, plan, status, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, 'open', $6, $7) RETURNING id")
        .bind(org_id).bind(org_path).bind(period).bind(score).bind(plan).bind(by).bind(clock::now())
        .fetch_one(c).await)?)
}

pub async fn by_id(tx: &mut Tx, id: i64) -> Result<Option<RectificationRow>, StoreError> {
    let sql = format!("{SELECT} WHERE r.id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, RectificationRow>(&sql).bind(id).fetch_optional(c).await)?)
}

pub async fn follow_up(
    tx: &mut Tx,
    id: i64,
    progress: &str,
    close_by: Option<&str>,
) -> Result<(), StoreError> {
    let now = clock::now();
    on!(tx, c => sqlx::query(
        "UPDATE rectifications SET progress = $1, status = CASE WHEN $2 IS NULL THEN status ELSE 'closed' END, \
         closed_by = COALESCE($2, closed_by), closed_at = CASE WHEN $2 IS NULL THEN closed_at ELSE $3 END WHERE id = $4")
        .bind(progress).bind(close_by).bind(now).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn of_period(
    tx: &mut Tx,
    path: &str,
    period: &str,
) -> Result<Vec<RectificationRow>, StoreError> {
    let sql = format!(
        "{SELECT} WHERE r.period = $1 AND r.org_path >= $2 AND r.org_path < $3 ORDER BY r.id"
    );
    let up = upper(path);
    Ok(
        on!(tx, c => sqlx::query_as::<_, RectificationRow>(&sql).bind(period).bind(path).bind(&up).fetch_all(c).await)?,
    )
}
