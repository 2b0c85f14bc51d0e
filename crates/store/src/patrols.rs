//! Patrols logged by grid workers, their daily totals, and the cases their findings became.

use crate::db::on;
use crate::{StoreError, Tx};
use chrono::{DateTime, Utc};
use jiceng_domain::clock;
use jiceng_domain::path::upper;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct PatrolRow {
    pub id: i64,
    pub grid_id: i64,
    pub grid_code: String,
    pub grid_name: String,
    pub community_path: String,
    pub worker: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub minutes: i64,
    pub visits: i64,
    pub findings: Option<String>,
    pub track: Option<String>,
    pub cases: i64,
}

const SELECT: &str = "SELECT p.id, p.grid_id, g.code AS grid_code, g.name AS grid_name, o.path AS community_path, p.worker, \
     p.started_at, p.ended_at, p.minutes, p.visits, p.findings, p.track, \
     (SELECT COUNT(*) FROM patrol_cases pc WHERE pc.patrol_id = p.id) AS cases \
     FROM patrols p JOIN grids g ON g.id = p.grid_id JOIN orgs o ON o.id = g.community_org_id";

pub struct NewPatrol<'a> {
    pub grid_id: i64,
    pub worker_user_id: Option<i64>,
    pub worker: &'a str,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub minutes: i64,
    pub visits: i64,
    pub findings: Option<&'a str>,
    pub track: Option<&'a str>,
}

pub async fn insert(tx: &mut Tx, p: &NewPatrol<'_>) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "INSERT INTO patrols (grid_id, worker_user_id, worker, started_at, ended_at, minutes, visits, findings, track, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
        .bind(p.grid_id).bind(p.worker_user_id).bind(p.worker).bind(p.started_at).bind(p.ended_at).bind(p.minutes)
        .bind(p.visits).bind(p.findings).bind(p.track).bind(clock::now()).fetch_one(c).await)?)
}

pub async fn by_id(tx: &mut Tx, id: i64) -> Result<Option<PatrolRow>, StoreError> {
    let sql = format!("{SELECT} WHERE p.id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, PatrolRow>(&sql).bind(id).fetch_optional(c).await)?)
}

/// Patrols in a subtree's grids since a moment, newest first; one worker's if named.
pub async fn list(
    tx: &mut Tx,
    path: &str,
    worker: Option<&str>,
    since: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<PatrolRow>, StoreError> {
    let sql = format!(
        "{SELECT} WHERE o.path >= $1 AND o.path < $2 AND p.started_at >= $3 AND ($4 IS NULL OR p.worker = $4) \
         ORDER BY p.started_at DESC, p.id DESC LIMIT {limit}"
    );
    let up = upper(path);
    Ok(
        on!(tx, c => sqlx::query_as::<_, PatrolRow>(&sql).bind(path).bind(&up).bind(since).bind(worker).fetch_all(c).await)?,
    )
}

pub async fn link_case(tx: &mut Tx, patrol_id: i64, case_id: i64) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("INSERT INTO patrol_cases (patrol_id, case_id) VALUES ($1, $2)")
        .bind(patrol_id).bind(case_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
