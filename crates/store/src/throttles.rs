//! Counters of failed attempts by key, shared by every process on the database.

use crate::db::on;
use crate::{StoreError, Tx};
use chrono::{DateTime, Utc};
use jiceng_domain::clock;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ThrottleRow {
    pub failures: i32,
    pub blocked_until: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

pub async fn get(tx: &mut Tx, key: &str) -> Result<Option<ThrottleRow>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, ThrottleRow>(
        "SELECT failures, blocked_until, updated_at FROM throttles WHERE key = $1")
        .bind(key).fetch_optional(c).await)?)
}

pub async fn set(
    tx: &mut Tx,
    key: &str,
    failures: i32,
    blocked_until: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query(
        "INSERT INTO throttles (key, failures, blocked_until, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (key) DO UPDATE SET failures = $2, blocked_until = $3, updated_at = $4")
        .bind(key).bind(failures).bind(blocked_until).bind(clock::now()).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn clear(tx: &mut Tx, key: &str) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("DELETE FROM throttles WHERE key = $1").bind(key).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Forgets every key that starts with `prefix` (an account's sign-ins from every address).
pub async fn clear_prefix(tx: &mut Tx, prefix: &str) -> Result<(), StoreError> {
    let pattern = format!("{}%", prefix.replace('%', "").replace('_', "\\_"));
    on!(tx, c => sqlx::query("DELETE FROM throttles WHERE key LIKE $1 ESCAPE '\\'").bind(&pattern).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
