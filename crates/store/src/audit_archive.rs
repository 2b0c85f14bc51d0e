//! Archiving old audit entries and login-log lines: reading them out in order, removing them
//! once written to a file, and the signed anchors that say where the live chain now starts.

use crate::db::on;
use crate::login_log::LoginRow;
use crate::{StoreError, Tx};
use chrono::{DateTime, Utc};

/// One archive: the entries up to `upto_seq` left the database for the file `file_name`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AnchorRow {
    pub id: i64,
    pub from_seq: i64,
    pub upto_seq: i64,
    pub last_hash: String,
    pub entries: i64,
    pub logins: i64,
    pub file_name: String,
    pub file_digest: String,
    pub archived_at: DateTime<Utc>,
    pub key_id: String,
    /// The signature of the archive before it ("" for the first): anchors chain too.
    pub prev_signature: String,
    pub signature: String,
}

pub struct NewAnchor<'a> {
    pub from_seq: i64,
    pub upto_seq: i64,
    pub last_hash: &'a str,
    pub entries: i64,
    pub logins: i64,
    pub file_name: &'a str,
    pub file_digest: &'a str,
    pub archived_at: DateTime<Utc>,
    pub key_id: &'a str,
    pub prev_signature: &'a str,
    pub signature: &'a str,
}

const COLUMNS: &str = "id, from_seq, upto_seq, last_hash, entries, logins, file_name, file_digest, archived_at, key_id, prev_signature, signature";

/// The newest archive: the live chain starts after it.
pub async fn latest(tx: &mut Tx) -> Result<Option<AnchorRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM audit_archives ORDER BY upto_seq DESC LIMIT 1");
    Ok(on!(tx, c => sqlx::query_as::<_, AnchorRow>(&sql).fetch_optional(c).await)?)
}

/// Every archive, oldest first (one per archiving run: a handful a year).
pub async fn all(tx: &mut Tx) -> Result<Vec<AnchorRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM audit_archives ORDER BY upto_seq");
    Ok(on!(tx, c => sqlx::query_as::<_, AnchorRow>(&sql).fetch_all(c).await)?)
}

pub async fn insert(tx: &mut Tx, a: &NewAnchor<'_>) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query(
        "INSERT INTO audit_archives (from_seq, upto_seq, last_hash, entries, logins, file_name, file_digest, archived_at, key_id, prev_signature, signature) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
        .bind(a.from_seq).bind(a.upto_seq).bind(a.last_hash).bind(a.entries).bind(a.logins).bind(a.file_name)
        .bind(a.file_digest).bind(a.archived_at).bind(a.key_id).bind(a.prev_signature).bind(a.signature)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Removes the archived entries, those from `from_seq` to `upto_seq`.
pub async fn remove_entries(tx: &mut Tx, from_seq: i64, upto_seq: i64) -> Result<u64, StoreError> {
    Ok(
        on!(tx, c => sqlx::query("DELETE FROM audit_log WHERE seq >= $1 AND seq <= $2")
        .bind(from_seq).bind(upto_seq).execute(c).await.map(|r| r.rows_affected()))?,
    )
}

/// Login-log lines from before `cutoff`, oldest first, after the id `after`.
pub async fn logins_before(
    tx: &mut Tx,
    cutoff: DateTime<Utc>,
    after: i64,
    limit: i64,
) -> Result<Vec<LoginRow>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, LoginRow>(
        "SELECT id, at, username, user_id, address, user_agent, result, reason FROM login_log \
         WHERE at < $1 AND id > $2 ORDER BY id LIMIT $3")
        .bind(cutoff).bind(after).bind(limit).fetch_all(c).await)?)
}

/// Removes the archived login-log lines: those before `cutoff` with ids up to `upto_id`.
pub async fn remove_logins(
    tx: &mut Tx,
    cutoff: DateTime<Utc>,
    upto_id: i64,
) -> Result<u64, StoreError> {
    Ok(
        on!(tx, c => sqlx::query("DELETE FROM login_log WHERE at < $1 AND id <= $2")
        .bind(cutoff).bind(upto_id).execute(c).await.map(|r| r.rows_affected()))?,
    )
}

/// The lowest sequence number still in the database.
pub async fn first_live_seq(tx: &mut Tx) -> Result<Option<i64>, StoreError> {
    Ok(
        on!(tx, c => sqlx::query_scalar::<_, Option<i64>>("SELECT MIN(seq) FROM audit_log")
        .fetch_one(c).await)?,
    )
}
