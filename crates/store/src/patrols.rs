//! Patrols logged by grid workers, their daily totals, and the cases their findings became.

use crate::db::on;
use crate::keyset::{Args, Scope, fetch};
use crate::{StoreError, Tx};
use chrono::{DateTime, Utc};
use jiceng_domain::clock;

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
        "INSERT INTO patrols (grid_id, worker_user_id, worker, started_at, ended_at, minutes, visits, findings, track, created_at, \
         community_org_id, street_org_id, district_org_id) \
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, g.community_org_id, l.street_org_id, l.district_org_id \
         FROM grids g LEFT JOIN org_levels l ON l.org_id = g.community_org_id WHERE g.id = $1 RETURNING id")
        .bind(p.grid_id).bind(p.worker_user_id).bind(p.worker).bind(p.started_at).bind(p.ended_at).bind(p.minutes)
        .bind(p.visits).bind(p.findings).bind(p.track).bind(clock::now()).fetch_one(c).await)?)
}

pub async fn by_id(tx: &mut Tx, id: i64) -> Result<Option<PatrolRow>, StoreError> {
    let sql = format!("{SELECT} WHERE p.id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, PatrolRow>(&sql).bind(id).fetch_optional(c).await)?)
}

/// Patrols of a scope's grids since a moment, newest first (one worker's if named), a page
/// after `after` (started at, id), read off the index of the scope's level.
pub async fn list(
    tx: &mut Tx,
    scope: &Scope,
    worker: Option<&str>,
    since: DateTime<Utc>,
    after: Option<(DateTime<Utc>, i64)>,
    limit: i64,
) -> Result<Vec<PatrolRow>, StoreError> {
    let mut a = Args::default();
    let mut cond = vec![format!("p.started_at >= {}", a.time(since))];
    cond.extend(a.scope_with("p.", "o.path", scope));
    if let Some(w) = worker {
        cond.push(format!("p.worker = {}", a.text(w)));
    }
    if let Some((at, id)) = after {
        cond.push(format!(
            "(p.started_at, p.id) < ({}, {})",
            a.time(at),
            a.int(id)
        ));
    }
    let sql = format!(
        "{SELECT} WHERE {} ORDER BY p.started_at DESC, p.id DESC LIMIT {}",
        cond.join(" AND "),
        a.int(limit)
    );
    fetch(tx, &sql, &a).await
}

pub async fn link_case(tx: &mut Tx, patrol_id: i64, case_id: i64) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("INSERT INTO patrol_cases (patrol_id, case_id) VALUES ($1, $2)")
        .bind(patrol_id).bind(case_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
