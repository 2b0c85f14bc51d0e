//! The audit trail: one entry per write, appended in the write's own transaction.

use crate::db::on;
use crate::{StoreError, Tx};

pub struct Entry<'a> {
    pub actor: &'a str,
    pub operation: &'a str,
    pub target: &'a str,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct EntryRow {
    pub id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    pub operation: String,
    pub target: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

pub async fn append(tx: &mut Tx, e: Entry<'_>) -> Result<(), StoreError> {
    let now = chrono::Utc::now();
    on!(tx, c => sqlx::query(
        "INSERT INTO audit_log (at, actor, operation, target, before_json, after_json) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(now).bind(e.actor).bind(e.operation).bind(e.target).bind(&e.before).bind(&e.after)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn for_target(tx: &mut Tx, target: &str) -> Result<Vec<EntryRow>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, EntryRow>(
        "SELECT id, at, actor, operation, target, before_json, after_json FROM audit_log WHERE target = $1 ORDER BY id")
        .bind(target).fetch_all(c).await)?)
}
