//! The login log: appended to by sign-ins and sign-outs, read newest first, never deleted.

use crate::db::on;
use crate::{StoreError, Tx};
use chrono::{DateTime, Utc};
use jiceng_domain::accounts::LoginResult;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, serde::Deserialize)]
pub struct LoginRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub username: String,
    pub user_id: Option<i64>,
    pub address: String,
    pub user_agent: String,
    pub result: LoginResult,
    pub reason: Option<String>,
}

pub struct NewLogin<'a> {
    pub username: &'a str,
    pub user_id: Option<i64>,
    /// The account's scope path; none for a name no account has.
    pub path: Option<&'a str>,
    pub address: &'a str,
    pub user_agent: &'a str,
    pub result: LoginResult,
    pub reason: Option<&'a str>,
    pub at: DateTime<Utc>,
}

pub async fn append(tx: &mut Tx, e: &NewLogin<'_>) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query(
        "INSERT INTO login_log (at, username, user_id, path, address, user_agent, result, reason) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(e.at).bind(e.username).bind(e.user_id).bind(e.path).bind(e.address).bind(e.user_agent)
        .bind(e.result).bind(e.reason).execute(c).await.map(|_| ()))?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct LoginFilter {
    /// A scope path: only lines of accounts within it; none or "/" for every line.
    pub within: Option<String>,
    pub username: Option<String>,
    pub result: Option<LoginResult>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// Lines newest first, before the id `before`, on the index of the filter that leads.
pub async fn browse(
    tx: &mut Tx,
    f: &LoginFilter,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<LoginRow>, StoreError> {
    let within = f.within.as_deref().filter(|p| *p != "/");
    let sql = "SELECT id, at, username, user_id, address, user_agent, result, reason FROM login_log \
         WHERE id < $1 AND ($2 IS NULL OR (path >= $2 AND path < $3)) AND ($4 IS NULL OR username = $4) \
         AND ($5 IS NULL OR result = $5) AND ($6 IS NULL OR at >= $6) AND ($7 IS NULL OR at < $7) \
         ORDER BY id DESC LIMIT $8";
    Ok(on!(tx, c => sqlx::query_as::<_, LoginRow>(sql)
        .bind(before.unwrap_or(i64::MAX)).bind(within).bind(within.map(jiceng_domain::path::upper))
        .bind(&f.username).bind(f.result).bind(f.from).bind(f.to).bind(limit)
        .fetch_all(c).await)?)
}
