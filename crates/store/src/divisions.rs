//! Divisions a deployment has taken in from the national catalogue.

use crate::db::on;
use crate::{StoreError, Tx, values_list};
use jiceng_domain::{Division, DivisionCode};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct DivisionRow {
    pub code: String,
    pub name: String,
    pub level: jiceng_domain::DivisionLevel,
    pub parent_code: Option<String>,
}

/// Inserts divisions not yet present; parents must come before children in `list`.
pub async fn insert_missing(tx: &mut Tx, list: &[Division]) -> Result<u64, StoreError> {
    let mut added = 0;
    for chunk in list.chunks(500) {
        let sql = format!(
            "INSERT INTO divisions (code, name, level, parent_code) VALUES {} ON CONFLICT (code) DO NOTHING",
            values_list(tx.backend(), chunk.len(), 4)
        );
        let done = on!(tx, c => {
            let mut q = sqlx::query(&sql);
            for d in chunk {
                let level = serde_plain_level(&d.code);
                q = q.bind(d.code.as_str()).bind(&d.name).bind(level).bind(d.code.parent().map(String::from));
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
        added += done;
    }
    Ok(added)
}

fn serde_plain_level(code: &DivisionCode) -> &'static str {
    use jiceng_domain::DivisionLevel::*;
    match code.level() {
        Province => "province",
        City => "city",
        County => "county",
        Township => "township",
        Village => "village",
    }
}

pub async fn get(tx: &mut Tx, code: &DivisionCode) -> Result<Option<DivisionRow>, StoreError> {
    Ok(
        on!(tx, c => sqlx::query_as::<_, DivisionRow>("SELECT code, name, level, parent_code FROM divisions WHERE code = $1")
        .bind(code.as_str()).fetch_optional(c).await)?,
    )
}

pub async fn children(tx: &mut Tx, parent: &DivisionCode) -> Result<Vec<DivisionRow>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, DivisionRow>(
        "SELECT code, name, level, parent_code FROM divisions WHERE parent_code = $1 ORDER BY code")
        .bind(parent.as_str()).fetch_all(c).await)?)
}

pub async fn count(tx: &mut Tx) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM divisions").fetch_one(c).await)?)
}
