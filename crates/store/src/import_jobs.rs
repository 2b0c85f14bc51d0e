//! Import jobs: an uploaded file, how its columns map, its progress and its report; and the
//! mappings remembered by header signature.

use crate::db::on;
use crate::{StoreError, Tx};
use chrono::{DateTime, Utc};
use jiceng_domain::clock;

/// A job without its file, as lists and progress read it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JobRow {
    pub id: i64,
    pub owner: String,
    pub kind: String,
    pub file_name: String,
    pub header: String,
    pub samples: String,
    pub state: String,
    pub run: i64,
    pub total: i64,
    pub done: i64,
    pub report: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, owner, kind, file_name, header, samples, state, run, total, done, report, created_at, updated_at";

pub struct NewJob<'a> {
    pub owner: &'a str,
    pub kind: &'a str,
    pub file_name: &'a str,
    pub file: &'a [u8],
    pub header: &'a str,
    pub samples: &'a str,
    pub total: i64,
}

pub async fn insert(tx: &mut Tx, j: &NewJob<'_>) -> Result<i64, StoreError> {
    let now = clock::now();
    Ok(on!(tx, c => sqlx::query_scalar(
        "INSERT INTO import_jobs (owner, kind, file_name, file, header, samples, state, total, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'mapping', $7, $8, $8) RETURNING id")
        .bind(j.owner).bind(j.kind).bind(j.file_name).bind(j.file).bind(j.header).bind(j.samples)
        .bind(j.total).bind(now).fetch_one(c).await)?)
}

pub async fn by_id(tx: &mut Tx, id: i64) -> Result<Option<JobRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM import_jobs WHERE id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, JobRow>(&sql).bind(id).fetch_optional(c).await)?)
}

pub async fn file(tx: &mut Tx, id: i64) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(
        on!(tx, c => sqlx::query_scalar("SELECT file FROM import_jobs WHERE id = $1")
        .bind(id).fetch_optional(c).await)?,
    )
}

/// The owner's latest jobs, newest first.
pub async fn of_owner(tx: &mut Tx, owner: &str, limit: i64) -> Result<Vec<JobRow>, StoreError> {
    let sql =
        format!("SELECT {COLUMNS} FROM import_jobs WHERE owner = $1 ORDER BY id DESC LIMIT $2");
    Ok(on!(tx, c => sqlx::query_as::<_, JobRow>(&sql).bind(owner).bind(limit).fetch_all(c).await)?)
}

pub async fn set_header(tx: &mut Tx, id: i64, header: &str) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE import_jobs SET header = $1, updated_at = $2 WHERE id = $3")
        .bind(header).bind(clock::now()).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Moves the job to `to` if it is in one of `from` and was last heard from before
/// `quiet_since`; the new run's number, or none if another request started it first.
pub async fn claim(
    tx: &mut Tx,
    id: i64,
    from: [&str; 3],
    quiet_since: DateTime<Utc>,
    to: &str,
) -> Result<Option<i64>, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "UPDATE import_jobs SET state = $1, run = run + 1, done = 0, report = NULL, updated_at = $2 \
         WHERE id = $3 AND state IN ($4, $5, $6) AND updated_at < $7 RETURNING run")
        .bind(to).bind(clock::now()).bind(id).bind(from[0]).bind(from[1]).bind(from[2]).bind(quiet_since)
        .fetch_optional(c).await)?)
}

/// How far run `run` of a job got; also tells readers it is alive.
pub async fn progress(tx: &mut Tx, id: i64, run: i64, done: i64) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE import_jobs SET done = $1, updated_at = $2 WHERE id = $3 AND run = $4")
        .bind(done).bind(clock::now()).bind(id).bind(run).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends run `run` of a job; a run a later one replaced writes nothing.
pub async fn finish(
    tx: &mut Tx,
    id: i64,
    run: i64,
    state: &str,
    report: &str,
) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE import_jobs SET state = $1, report = $2, done = total, updated_at = $3 WHERE id = $4 AND run = $5")
        .bind(state).bind(report).bind(clock::now()).bind(id).bind(run).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Removes jobs made before `before`, files and all.
pub async fn purge(tx: &mut Tx, before: DateTime<Utc>) -> Result<u64, StoreError> {
    Ok(
        on!(tx, c => sqlx::query("DELETE FROM import_jobs WHERE created_at < $1")
        .bind(before).execute(c).await.map(|r| r.rows_affected()))?,
    )
}

pub async fn mapping(tx: &mut Tx, signature: &str) -> Result<Option<String>, StoreError> {
    Ok(
        on!(tx, c => sqlx::query_scalar("SELECT fields FROM import_mappings WHERE signature = $1")
        .bind(signature).fetch_optional(c).await)?,
    )
}

pub async fn remember(tx: &mut Tx, signature: &str, fields: &str) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query(
        "INSERT INTO import_mappings (signature, fields, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (signature) DO UPDATE SET fields = $2, updated_at = $3")
        .bind(signature).bind(fields).bind(clock::now()).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
