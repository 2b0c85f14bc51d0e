//! Accounts, sessions and personal access tokens.

use crate::db::on;
use crate::{StoreError, Tx};
use chrono::{DateTime, Utc};
use jiceng_domain::Role;
use jiceng_domain::clock;

const USER_COLUMNS: &str = "u.id, u.username, u.display_name, u.password_hash, u.role, u.scope_org_id, o.code AS scope_code, \
     o.path AS scope_path, o.division_code AS scope_division, u.member_id, u.unit_id, u.department_id, u.failed_logins, u.locked_until, u.active, \
     u.password_changed_at, u.must_change, u.totp_secret, u.totp_pending, u.totp_last_step, u.totp_required, u.granted, u.created_at";
const USER_FROM: &str = "FROM users u LEFT JOIN orgs o ON o.id = u.scope_org_id";

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: String,
    pub role: Role,
    pub scope_org_id: Option<i64>,
    pub scope_code: Option<String>,
    pub scope_path: Option<String>,
    pub scope_division: Option<String>,
    pub member_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub department_id: Option<i64>,
    pub failed_logins: i64,
    pub locked_until: Option<DateTime<Utc>>,
    pub active: bool,
    pub password_changed_at: DateTime<Utc>,
    /// The owner must choose a new password at the next sign-in.
    pub must_change: bool,
    /// Holds its role: false while an account the system administrator made waits for the
    /// security administrator to grant it one.
    pub granted: bool,
    /// The enrolled second factor's secret (base32).
    #[serde(skip)]
    pub totp_secret: Option<String>,
    /// A secret shown for enrolment, not yet confirmed with a code.
    #[serde(skip)]
    pub totp_pending: Option<String>,
    #[serde(skip)]
    pub totp_last_step: Option<i64>,
    /// An administrator requires a second factor of this account.
    pub totp_required: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewUserRow {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub scope_org_id: Option<i64>,
    pub member_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub department_id: Option<i64>,
    /// The owner chooses a new password at the first sign-in.
    pub must_change: bool,
    /// Holds its role from the start (else it waits for a grant).
    pub granted: bool,
}

/// Adds the account, keeping its first password in its history.
pub async fn insert(tx: &mut Tx, u: &NewUserRow) -> Result<i64, StoreError> {
    let now = clock::now();
    let id: i64 = on!(tx, c => sqlx::query_scalar(
        "INSERT INTO users (username, display_name, password_hash, role, scope_org_id, member_id, unit_id, department_id, \
         password_changed_at, created_at, must_change, granted) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11) RETURNING id")
        .bind(&u.username).bind(&u.display_name).bind(&u.password_hash).bind(u.role).bind(u.scope_org_id)
        .bind(u.member_id).bind(u.unit_id).bind(u.department_id).bind(now).bind(u.must_change).bind(u.granted).fetch_one(c).await)?;
    remember_password(tx, id, &u.password_hash, now).await?;
    Ok(id)
}

pub async fn by_username(tx: &mut Tx, username: &str) -> Result<Option<UserRow>, StoreError> {
    let sql = format!("SELECT {USER_COLUMNS} {USER_FROM} WHERE u.username = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, UserRow>(&sql).bind(username).fetch_optional(c).await)?)
}

pub async fn by_id(tx: &mut Tx, id: i64) -> Result<Option<UserRow>, StoreError> {
    let sql = format!("SELECT {USER_COLUMNS} {USER_FROM} WHERE u.id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, UserRow>(&sql).bind(id).fetch_optional(c).await)?)
}

/// Accounts whose scope lies within `path` ("/" for all), by username.
pub async fn within(
    tx: &mut Tx,
    path: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<UserRow>, StoreError> {
    let sql = format!(
        "SELECT {USER_COLUMNS} {USER_FROM} WHERE ($1 = '/' OR (o.path >= $1 AND o.path < $2)) ORDER BY u.username LIMIT $3 OFFSET $4"
    );
    let up = jiceng_domain::path::upper(path);
    Ok(
        on!(tx, c => sqlx::query_as::<_, UserRow>(&sql).bind(path).bind(&up).bind(limit).bind(offset).fetch_all(c).await)?,
    )
}

pub async fn record_failure(
    tx: &mut Tx,
    id: i64,
    failed: i64,
    locked_until: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE users SET failed_logins = $1, locked_until = $2 WHERE id = $3")
        .bind(failed).bind(locked_until).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Sets the password, and whether its owner must change it at the next sign-in; keeps it in
/// the account's history.
pub async fn set_password(
    tx: &mut Tx,
    id: i64,
    hash: &str,
    must_change: bool,
) -> Result<(), StoreError> {
    let now = clock::now();
    on!(tx, c => sqlx::query("UPDATE users SET password_hash = $1, password_changed_at = $2, failed_logins = 0, locked_until = NULL, \
         must_change = $3 WHERE id = $4")
        .bind(hash).bind(now).bind(must_change).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    remember_password(tx, id, hash, now).await
}

/// Keeps a password set for the account, by its hash.
pub async fn remember_password(
    tx: &mut Tx,
    id: i64,
    hash: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("INSERT INTO password_history (user_id, password_hash, changed_at) VALUES ($1, $2, $3)")
        .bind(id).bind(hash).bind(at).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The hashes of the account's last `n` passwords, newest first.
pub async fn recent_passwords(tx: &mut Tx, id: i64, n: i64) -> Result<Vec<String>, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "SELECT password_hash FROM password_history WHERE user_id = $1 ORDER BY changed_at DESC LIMIT $2")
        .bind(id).bind(n).fetch_all(c).await)?)
}

pub async fn set_active(tx: &mut Tx, id: i64, active: bool) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE users SET active = $1 WHERE id = $2").bind(active).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Grants an account a role and scope org (none: the whole deployment), with the unit and
/// department bindings the role uses (none for a role that uses none).
pub async fn set_role(
    tx: &mut Tx,
    id: i64,
    role: Role,
    scope_org_id: Option<i64>,
    unit_id: Option<i64>,
    department_id: Option<i64>,
) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE users SET role = $1, scope_org_id = $2, unit_id = $3, department_id = $4, granted = TRUE WHERE id = $5")
        .bind(role).bind(scope_org_id).bind(unit_id).bind(department_id).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Takes an account's grant away until the security administrator gives it again.
pub async fn withhold_grant(tx: &mut Tx, id: i64) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE users SET granted = FALSE WHERE id = $1")
        .bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// How many active accounts hold `role`.
pub async fn active_with_role(tx: &mut Tx, role: Role) -> Result<i64, StoreError> {
    Ok(
        on!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = $1 AND active")
        .bind(role).fetch_one(c).await)?,
    )
}

pub async fn count(tx: &mut Tx) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(c).await)?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// Signed in with a password that must be changed: nothing else is reached until it is.
    pub must_change: bool,
    /// What the session still owes after the password: 'code' or 'enrol'; none when nothing.
    pub second_factor: Option<String>,
    /// The deployment keeps the administrator duties apart, read with the session so that a
    /// request asks one statement less.
    pub duties_split: bool,
}

/// The setting that splits the administrator duties ("true" when split).
pub const DUTIES_SPLIT: &str = "duties_split";

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_id: i64,
    pub csrf: &'a str,
    pub must_change: bool,
    pub address: &'a str,
    pub user_agent: &'a str,
    pub second_factor: Option<&'a str>,
}

pub async fn insert_session(tx: &mut Tx, s: &NewSession<'_>) -> Result<(), StoreError> {
    let now = clock::now();
    on!(tx, c => sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen, must_change, \
         address, user_agent, second_factor) VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8)")
        .bind(s.token_hash).bind(s.user_id).bind(s.csrf).bind(now).bind(s.must_change).bind(s.address).bind(s.user_agent)
        .bind(s.second_factor).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The session has given its second factor (or enrolled one).
pub async fn session_second_factor_done(tx: &mut Tx, token_hash: &str) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE sessions SET second_factor = NULL WHERE token_hash = $1")
        .bind(token_hash).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Keeps a secret shown for enrolment (or forgets it, with none).
pub async fn set_totp_pending(
    tx: &mut Tx,
    id: i64,
    secret: Option<&str>,
) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE users SET totp_pending = $1 WHERE id = $2")
        .bind(secret).bind(id).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Enrols the pending secret, confirmed by a code of `step`; or, with none, removes the
/// second factor.
pub async fn set_totp(
    tx: &mut Tx,
    id: i64,
    secret: Option<&str>,
    step: Option<i64>,
) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE users SET totp_secret = $1, totp_pending = NULL, totp_last_step = $2 WHERE id = $3")
        .bind(secret).bind(step).bind(id).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Records the step of a code taken, so it is not taken again.
pub async fn set_totp_step(tx: &mut Tx, id: i64, step: i64) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE users SET totp_last_step = $1 WHERE id = $2")
        .bind(step).bind(id).execute(c).await.map(|_| ()))?;
    Ok(())
}

pub async fn set_totp_required(tx: &mut Tx, id: i64, required: bool) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE users SET totp_required = $1 WHERE id = $2")
        .bind(required).bind(id).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Replaces the account's recovery codes with these hashes.
pub async fn replace_recovery_codes(
    tx: &mut Tx,
    id: i64,
    hashes: &[String],
) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(id).execute(c).await.map(|_| ()))?;
    for h in hashes {
        on!(tx, c => sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(id).bind(h).execute(c).await.map(|_| ()))?;
    }
    Ok(())
}

/// Uses the recovery code with this hash, once: whether it was there and unused.
pub async fn use_recovery_code(tx: &mut Tx, id: i64, hash: &str) -> Result<bool, StoreError> {
    let n = on!(tx, c => sqlx::query(
        "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL")
        .bind(clock::now()).bind(id).bind(hash).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// A live session as the list of online sessions shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LiveSession {
    pub token_hash: String,
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope_path: Option<String>,
    pub address: String,
    pub user_agent: String,
    pub created_at: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
}

const LIVE: &str = "SELECT s.token_hash, s.user_id, u.username, u.display_name, u.role, o.path AS scope_path, s.address, \
     s.user_agent, s.created_at, s.last_seen FROM sessions s JOIN users u ON u.id = s.user_id \
     LEFT JOIN orgs o ON o.id = u.scope_org_id";

/// Sessions used since `seen_after` and begun since `begun_after`, of accounts scoped within
/// `within` (every account for "/"), or of the one account `user_id`; most recently used first.
pub async fn live_sessions(
    tx: &mut Tx,
    within: &str,
    user_id: Option<i64>,
    seen_after: DateTime<Utc>,
    begun_after: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<LiveSession>, StoreError> {
    let sql = format!(
        "{LIVE} WHERE s.last_seen > $1 AND s.created_at > $2 AND ($3 IS NULL OR s.user_id = $3) \
         AND ($4 = '/' OR (o.path >= $4 AND o.path < $5)) ORDER BY s.last_seen DESC LIMIT $6"
    );
    Ok(on!(tx, c => sqlx::query_as::<_, LiveSession>(&sql)
        .bind(seen_after).bind(begun_after).bind(user_id).bind(within).bind(jiceng_domain::path::upper(within)).bind(limit)
        .fetch_all(c).await)?)
}

/// The live session whose token hash begins with `prefix` (the id the list shows).
pub async fn session_by_prefix(
    tx: &mut Tx,
    prefix: &str,
) -> Result<Option<LiveSession>, StoreError> {
    let sql = format!(
        "{LIVE} WHERE s.token_hash >= $1 AND s.token_hash < $2 ORDER BY s.token_hash LIMIT 1"
    );
    Ok(on!(tx, c => sqlx::query_as::<_, LiveSession>(&sql)
        .bind(prefix).bind(format!("{prefix}g")).fetch_optional(c).await)?)
}

pub async fn session(tx: &mut Tx, token_hash: &str) -> Result<Option<SessionRow>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, SessionRow>(
        "SELECT user_id, csrf_token, created_at, last_seen, must_change, second_factor, \
         EXISTS (SELECT 1 FROM settings WHERE key = $2 AND value = 'true') AS duties_split FROM sessions WHERE token_hash = $1")
        .bind(token_hash).bind(DUTIES_SPLIT).fetch_optional(c).await)?)
}

/// The session's password has been changed: it reaches everything again.
pub async fn session_changed_password(tx: &mut Tx, token_hash: &str) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE sessions SET must_change = FALSE WHERE token_hash = $1")
        .bind(token_hash).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn touch_session(tx: &mut Tx, token_hash: &str) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE sessions SET last_seen = $1 WHERE token_hash = $2")
        .bind(clock::now()).bind(token_hash).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn delete_session(tx: &mut Tx, token_hash: &str) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends every session of a user but `keep`.
pub async fn delete_sessions_of(
    tx: &mut Tx,
    user_id: i64,
    keep: Option<&str>,
) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND ($2 IS NULL OR token_hash <> $2)")
        .bind(user_id).bind(keep).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct TokenRow {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub scope: jiceng_domain::accounts::TokenScope,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The address it was last used from.
    pub last_address: Option<String>,
}

const TOKEN_COLUMNS: &str =
    "id, user_id, name, scope, created_at, expires_at, last_used_at, revoked_at, last_address";

pub async fn insert_token(
    tx: &mut Tx,
    user_id: i64,
    name: &str,
    token_hash: &str,
    scope: &str,
    expires_at: Option<DateTime<Utc>>,
) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "INSERT INTO api_tokens (user_id, name, token_hash, scope, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(user_id).bind(name).bind(token_hash).bind(scope).bind(clock::now()).bind(expires_at).fetch_one(c).await)?)
}

pub async fn token_by_hash(tx: &mut Tx, token_hash: &str) -> Result<Option<TokenRow>, StoreError> {
    let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, TokenRow>(&sql).bind(token_hash).fetch_optional(c).await)?)
}

pub async fn tokens_of(tx: &mut Tx, user_id: i64) -> Result<Vec<TokenRow>, StoreError> {
    let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY id DESC");
    Ok(on!(tx, c => sqlx::query_as::<_, TokenRow>(&sql).bind(user_id).fetch_all(c).await)?)
}

pub async fn token_by_id(tx: &mut Tx, id: i64) -> Result<Option<TokenRow>, StoreError> {
    let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, TokenRow>(&sql).bind(id).fetch_optional(c).await)?)
}

/// Revokes every live token of a user; returns how many.
pub async fn revoke_tokens_of(tx: &mut Tx, user_id: i64) -> Result<u64, StoreError> {
    Ok(
        on!(tx, c => sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(clock::now()).bind(user_id).execute(c).await.map(|r| r.rows_affected()))?,
    )
}

pub async fn revoke_token(tx: &mut Tx, id: i64, user_id: i64) -> Result<u64, StoreError> {
    Ok(
        on!(tx, c => sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
        .bind(clock::now()).bind(id).bind(user_id).execute(c).await.map(|r| r.rows_affected()))?,
    )
}

/// Records a use of the token, from `address`.
pub async fn touch_token(tx: &mut Tx, id: i64, address: &str) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE api_tokens SET last_used_at = $1, last_address = $2 WHERE id = $3")
        .bind(clock::now()).bind(address).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
