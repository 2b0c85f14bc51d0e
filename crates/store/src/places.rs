//! Places inside grids (buildings and stationed units), and the grid totals they keep.

use crate::db::on;
use crate::{StoreError, Tx};
use jiceng_domain::clock;
use jiceng_domain::grids::PlaceKind;
use jiceng_domain::path::upper;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct PlaceRow {
    pub id: i64,
    pub grid_id: i64,
    pub grid_code: String,
    pub grid_name: String,
    pub kind: PlaceKind,
    pub name: String,
    pub lon: f64,
    pub lat: f64,
    pub households: i64,
    pub unit_id: Option<i64>,
}

pub struct NewPlace<'a> {
    pub grid_id: i64,
    pub kind: PlaceKind,
    pub name: &'a str,
    pub lon: f64,
    pub lat: f64,
    pub households: i64,
    pub unit_id: Option<i64>,
}

const SELECT: &str = "SELECT p.id, p.grid_id, g.code AS grid_code, g.name AS grid_name, p.kind, p.name, p.lon, p.lat, p.households, p.unit_id \
     FROM grid_places p JOIN grids g ON g.id = p.grid_id";

/// Adds a place; a building adds itself and its households to the grid's totals.
pub async fn add(tx: &mut Tx, p: &NewPlace<'_>) -> Result<i64, StoreError> {
    let id = on!(tx, c => sqlx::query_scalar(
        "INSERT INTO grid_places (grid_id, kind, name, lon, lat, households, unit_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
        .bind(p.grid_id).bind(p.kind).bind(p.name).bind(p.lon).bind(p.lat).bind(p.households)
        .bind(p.unit_id).bind(clock::now()).fetch_one(c).await)?;
    if p.kind == PlaceKind::Building {
        totals(tx, p.grid_id, 1, p.households).await?;
    }
    Ok(id)
}

/// Removes a place and takes a building back out of its grid's totals.
pub async fn remove(tx: &mut Tx, id: i64) -> Result<Option<PlaceRow>, StoreError> {
    let Some(row) = by_id(tx, id).await? else {
        return Ok(None);
    };
    on!(tx, c => sqlx::query("DELETE FROM grid_places WHERE id = $1").bind(id).execute(c).await.map(|_| ()))?;
    if row.kind == PlaceKind::Building {
        totals(tx, row.grid_id, -1, -row.households).await?;
    }
    Ok(Some(row))
}

async fn totals(tx: &mut Tx, grid: i64, buildings: i64, households: i64) -> Result<(), StoreError> {
    Ok(on!(tx, c => sqlx::query(
        "UPDATE grids SET buildings = buildings + $1, households = households + $2 WHERE id = $3")
        .bind(buildings).bind(households).bind(grid).execute(c).await.map(|_| ()))?)
}

pub async fn by_id(tx: &mut Tx, id: i64) -> Result<Option<PlaceRow>, StoreError> {
    let sql = format!("{SELECT} WHERE p.id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, PlaceRow>(&sql).bind(id).fetch_optional(c).await)?)
}

/// The place a unit is mapped at, if any.
pub async fn of_unit(tx: &mut Tx, unit: i64) -> Result<Option<PlaceRow>, StoreError> {
    let sql = format!("{SELECT} WHERE p.unit_id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, PlaceRow>(&sql).bind(unit).fetch_optional(c).await)?)
}

/// The places of a subtree's grids, at most `limit`, by grid, kind and name.
pub async fn within(tx: &mut Tx, path: &str, limit: i64) -> Result<Vec<PlaceRow>, StoreError> {
    let sql = format!(
        "{SELECT} JOIN orgs o ON o.id = g.community_org_id WHERE o.path >= $1 AND o.path < $2 \
         ORDER BY g.code, p.kind, p.name, p.id LIMIT $3"
    );
    let up = upper(path);
    Ok(
        on!(tx, c => sqlx::query_as::<_, PlaceRow>(&sql).bind(path).bind(&up).bind(limit).fetch_all(c).await)?,
    )
}

/// Places of a generated city whose grids were written with these places already counted.
pub async fn add_counted(tx: &mut Tx, places: &[NewPlace<'_>]) -> Result<(), StoreError> {
    let now = clock::now();
    for chunk in places.chunks(500) {
        let sql = format!(
            "INSERT INTO grid_places (grid_id, kind, name, lon, lat, households, unit_id, created_at) VALUES {}",
            crate::values_list(tx.backend(), chunk.len(), 8)
        );
        on!(tx, c => {
            let mut q = sqlx::query(&sql);
            for p in chunk {
                q = q.bind(p.grid_id).bind(p.kind).bind(p.name).bind(p.lon).bind(p.lat).bind(p.households)
                    .bind(p.unit_id).bind(now);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Every place of one grid, by kind and name.
pub async fn of_grid(tx: &mut Tx, grid: i64) -> Result<Vec<PlaceRow>, StoreError> {
    let sql = format!("{SELECT} WHERE p.grid_id = $1 ORDER BY p.kind, p.name, p.id");
    Ok(on!(tx, c => sqlx::query_as::<_, PlaceRow>(&sql).bind(grid).fetch_all(c).await)?)
}
