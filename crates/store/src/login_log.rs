//! The login log: appended to by sign-ins and sign-outs, read newest first, never deleted.

use crate::db::on;
use crate::keyset::{Args, Scope, fetch};
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
    let (d, s) = crate::orgs::levels_at(tx, e.path).await?;
    on!(tx, conn => sqlx::query(
        "INSERT INTO login_log (at, username, user_id, path, address, user_agent, result, reason, \
         district_org_id, street_org_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .bind(e.at).bind(e.username).bind(e.user_id).bind(e.path).bind(e.address).bind(e.user_agent)
        .bind(e.result).bind(e.reason).bind(d).bind(s).execute(conn).await.map(|_| ()))?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct LoginFilter {
    /// Only lines of accounts within this scope (`All`: every line). Lines keep their
    /// district and street; a narrower scope is a `Path`.
    pub scope: Scope,
    pub username: Option<String>,
    pub result: Option<LoginResult>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// Lines newest first, before the id `before`: a scope reads its level's `(level, id)` index
/// backwards, a name its `(username, id)`.
pub async fn browse(
    tx: &mut Tx,
    f: &LoginFilter,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<LoginRow>, StoreError> {
    let mut a = Args::default();
    let mut w: Vec<String> = a.scope_with("", "path", &f.scope).into_iter().collect();
    if let Some(b) = before {
        w.push(format!("id < {}", a.int(b)));
    }
    if let Some(x) = &f.username {
        w.push(format!("username = {}", a.text(x)));
    }
    if let Some(x) = f.result {
        w.push(format!("result = {}", a.text(x.code())));
    }
    if let Some(x) = f.from {
        w.push(format!("at >= {}", a.time(x)));
    }
    if let Some(x) = f.to {
        w.push(format!("at < {}", a.time(x)));
    }
    let filter = if w.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", w.join(" AND "))
    };
    let sql = format!(
        "SELECT id, at, username, user_id, address, user_agent, result, reason FROM login_log \
         {filter} ORDER BY id DESC LIMIT {}",
        a.int(limit)
    );
    fetch(tx, &sql, &a).await
}
