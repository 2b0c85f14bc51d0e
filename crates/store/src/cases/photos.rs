//! The photos of a case's steps and the reporter's consent to show them publicly.

use crate::db::on;
use crate::{StoreError, Tx};
use chrono::{DateTime, Utc};
use jiceng_domain::cases::PhotoStage;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PhotoRow {
    pub id: i64,
    pub case_id: i64,
    pub stage: PhotoStage,
    pub file_name: String,
    pub shown_as: String,
    pub thumb_as: String,
    pub width: i32,
    pub height: i32,
    pub size_bytes: i64,
    pub taken_by: String,
    pub created_at: DateTime<Utc>,
}

const COLS: &str = "id, case_id, stage, file_name, shown_as, thumb_as, width, height, size_bytes, taken_by, created_at";

/// A photo to keep: its copies are already written under the files directory.
pub struct NewPhoto<'a> {
    pub case_id: i64,
    pub stage: PhotoStage,
    pub file_name: &'a str,
    pub shown_as: &'a str,
    pub thumb_as: &'a str,
    pub width: i32,
    pub height: i32,
    pub size_bytes: i64,
    pub taken_by: &'a str,
    pub at: DateTime<Utc>,
}

pub async fn insert(tx: &mut Tx, p: &NewPhoto<'_>) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "INSERT INTO case_photos (case_id, stage, file_name, shown_as, thumb_as, width, height, size_bytes, taken_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
        .bind(p.case_id).bind(p.stage.code()).bind(p.file_name).bind(p.shown_as).bind(p.thumb_as)
        .bind(p.width).bind(p.height).bind(p.size_bytes).bind(p.taken_by).bind(p.at)
        .fetch_one(c).await)?)
}

/// A case's photos in the order they were taken (a case carries a few per step).
pub async fn of_case(tx: &mut Tx, case_id: i64) -> Result<Vec<PhotoRow>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, PhotoRow>(&format!(
        "SELECT {COLS} FROM case_photos WHERE case_id = $1 ORDER BY id"))
        .bind(case_id).fetch_all(c).await)?)
}

pub async fn by_id(tx: &mut Tx, id: i64) -> Result<Option<PhotoRow>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, PhotoRow>(&format!(
        "SELECT {COLS} FROM case_photos WHERE id = $1"))
        .bind(id).fetch_optional(c).await)?)
}

/// Records that the reporter lets the case's photos show on the public tracking page.
pub async fn consent(tx: &mut Tx, case_id: i64) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE cases SET photos_public = TRUE WHERE id = $1")
        .bind(case_id).execute(c).await.map(|_| ()))?;
    Ok(())
}

pub async fn public(tx: &mut Tx, case_id: i64) -> Result<bool, StoreError> {
    let v: Option<bool> = on!(tx, c => sqlx::query_scalar(
        "SELECT photos_public FROM cases WHERE id = $1").bind(case_id).fetch_optional(c).await)?;
    Ok(v.unwrap_or(false))
}
