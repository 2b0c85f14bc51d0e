//! Stationed units (驻区单位).

use crate::db::on;
use crate::{StoreError, Tx, values_list};
use chrono::{DateTime, Utc};
use jiceng_domain::UnitCategory;
use jiceng_domain::clock;

const COLUMNS: &str = "u.id, u.name, u.category, u.division_code, u.address, u.org_id, o.code AS org_code, o.name AS org_name, u.created_at";
const FROM: &str = "FROM units u LEFT JOIN orgs o ON o.id = u.org_id";

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct UnitRow {
    pub id: i64,
    pub name: String,
    pub category: UnitCategory,
    pub division_code: String,
    pub address: Option<String>,
    pub org_id: Option<i64>,
    pub org_code: Option<String>,
    pub org_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct UnitFields {
    pub name: String,
    pub category: UnitCategory,
    pub division_code: String,
    pub address: Option<String>,
    pub org_id: Option<i64>,
}

pub async fn insert(tx: &mut Tx, f: &UnitFields) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "INSERT INTO units (name, category, division_code, address, org_id, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(&f.name).bind(f.category).bind(&f.division_code).bind(&f.address).bind(f.org_id).bind(clock::now())
        .fetch_one(c).await)?)
}

pub async fn insert_many(tx: &mut Tx, rows: &[(i64, UnitFields)]) -> Result<(), StoreError> {
    let now = clock::now();
    for chunk in rows.chunks(1000) {
        let sql = format!(
            "INSERT INTO units (id, name, category, division_code, address, org_id, created_at) VALUES {}",
            values_list(tx.backend(), chunk.len(), 7)
        );
        on!(tx, c => {
            let mut q = sqlx::query(&sql);
            for (id, f) in chunk {
                q = q.bind(id).bind(&f.name).bind(f.category).bind(&f.division_code).bind(&f.address).bind(f.org_id).bind(now);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

pub async fn by_id(tx: &mut Tx, id: i64) -> Result<Option<UnitRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} {FROM} WHERE u.id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, UnitRow>(&sql).bind(id).fetch_optional(c).await)?)
}

pub async fn by_org(tx: &mut Tx, org_id: i64) -> Result<Option<UnitRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} {FROM} WHERE u.org_id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, UnitRow>(&sql).bind(org_id).fetch_optional(c).await)?)
}

/// Units sitting within a division (a street includes its communities), by name; `name`
/// narrows to names containing it.
pub async fn within_division(
    tx: &mut Tx,
    prefix: &str,
    name: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<UnitRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} {FROM} WHERE u.division_code LIKE $1 || '%' AND ($2 IS NULL OR u.name LIKE '%' || $2 || '%') ORDER BY u.division_code, u.name, u.id LIMIT $3 OFFSET $4"
    );
    Ok(on!(tx, c => sqlx::query_as::<_, UnitRow>(&sql)
        .bind(prefix).bind(name).bind(limit).bind(offset).fetch_all(c).await)?)
}

pub async fn count(tx: &mut Tx) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM units").fetch_one(c).await)?)
}
