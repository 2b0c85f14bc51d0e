//! 问题清单 records.

use crate::db::on;
use crate::keyset::{Args, Scope, fetch};
use crate::{StoreError, Tx};
use chrono::NaiveDate;
use jiceng_domain::clock;
use jiceng_domain::problems::ProblemStatus;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProblemRow {
    pub id: i64,
    pub community_org_id: i64,
    pub community_name: String,
    pub community_path: String,
    pub title: String,
    pub detail: Option<String>,
    pub owner_name: String,
    pub due_on: NaiveDate,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub status: ProblemStatus,
    pub case_id: Option<i64>,
    pub case_code: Option<String>,
    pub note: Option<String>,
    pub year: i64,
    pub posted_by: String,
}

const SELECT: &str = "SELECT p.id, p.community_org_id, c.name AS community_name, p.community_path, p.title, p.detail, \
     p.owner_name, p.due_on, p.unit_id, u.name AS unit_name, p.status, p.case_id, k.code AS case_code, p.note, p.year, \
     p.posted_by FROM problems p JOIN orgs c ON c.id = p.community_org_id LEFT JOIN units u ON u.id = p.unit_id \
     LEFT JOIN cases k ON k.id = p.case_id";

pub struct NewProblem<'a> {
    pub community_org_id: i64,
    pub community_path: &'a str,
    pub title: &'a str,
    pub detail: Option<&'a str>,
    pub owner_name: &'a str,
    pub due_on: NaiveDate,
    pub unit_id: Option<i64>,
    pub year: i64,
    pub by: &'a str,
}

pub async fn insert(tx: &mut Tx, p: &NewProblem<'_>) -> Result<i64, StoreError> {
    let sql = format!(
        "INSERT INTO problems (community_org_id, community_path, title, detail, owner_name, due_on, unit_id, status, year, \
         posted_by, created_at, district_org_id, street_org_id) VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $10, {}) \
         RETURNING id",
        crate::orgs::levels_of_community("$1")
    );
    Ok(on!(tx, c => sqlx::query_scalar(&sql)
        .bind(p.community_org_id).bind(p.community_path).bind(p.title).bind(p.detail).bind(p.owner_name).bind(p.due_on)
        .bind(p.unit_id).bind(p.year).bind(p.by).bind(clock::now()).fetch_one(c).await)?)
}

pub async fn by_id(tx: &mut Tx, id: i64) -> Result<Option<ProblemRow>, StoreError> {
    let sql = format!("{SELECT} WHERE p.id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, ProblemRow>(&sql).bind(id).fetch_optional(c).await)?)
}

/// Writes a move; `from` guards against a concurrent one (0 rows when it lost).
pub async fn set_state(
    tx: &mut Tx,
    id: i64,
    from: ProblemStatus,
    to: ProblemStatus,
    case_id: Option<i64>,
    note: Option<&str>,
) -> Result<u64, StoreError> {
    Ok(on!(tx, c => sqlx::query(
        "UPDATE problems SET status = $1, case_id = COALESCE($2, case_id), note = COALESCE($3, note) \
         WHERE id = $4 AND status = $5")
        .bind(to).bind(case_id).bind(note).bind(id).bind(from).execute(c).await.map(|r| r.rows_affected()))?)
}

/// Problems of a scope, newest first.
pub async fn within(
    tx: &mut Tx,
    scope: &Scope,
    status: Option<ProblemStatus>,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<ProblemRow>, StoreError> {
    let mut a = Args::default();
    let mut wh: Vec<String> = a
        .scope_with("p.", "p.community_path", scope)
        .into_iter()
        .collect();
    if let Some(s) = status {
        wh.push(format!("p.status = {}", a.text(s.code())));
    }
    if let Some(id) = after {
        wh.push(format!("p.id < {}", a.int(id)));
    }
    if wh.is_empty() {
        wh.push("1 = 1".into());
    }
    let sql = format!(
        "{SELECT} WHERE {} ORDER BY p.id DESC LIMIT {limit}",
        wh.join(" AND ")
    );
    fetch(tx, &sql, &a).await
}
