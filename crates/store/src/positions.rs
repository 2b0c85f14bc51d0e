//! 阵地 records and their floor-area standards; and the residential buildings of a scope as the
//! service circle reads them.

use crate::db::on;
use crate::keyset::{Args, fetch};
use crate::{StoreError, Tx};
use jiceng_domain::clock;
use jiceng_domain::path::upper;
use jiceng_domain::positions::PositionKind;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PositionRow {
    pub id: i64,
    pub kind: PositionKind,
    pub name: String,
    pub org_id: i64,
    pub org_name: String,
    pub org_path: String,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub lon: f64,
    pub lat: f64,
    pub area_m2: i64,
    pub rooms: Option<String>,
    pub facilities: Option<String>,
    pub hours: Option<String>,
}

const SELECT: &str = "SELECT p.id, p.kind, p.name, p.org_id, o.name AS org_name, p.org_path, p.unit_id, \
     u.name AS unit_name, p.lon, p.lat, p.area_m2, p.rooms, p.facilities, p.hours \
     FROM positions p JOIN orgs o ON o.id = p.org_id LEFT JOIN units u ON u.id = p.unit_id";

pub struct NewPosition<'a> {
    pub kind: PositionKind,
    pub name: &'a str,
    pub org_id: i64,
    pub org_path: &'a str,
    pub unit_id: Option<i64>,
    pub point: (f64, f64),
    pub area_m2: i64,
    pub rooms: Option<&'a str>,
    pub facilities: Option<&'a str>,
    pub hours: Option<&'a str>,
    pub by: &'a str,
}

pub async fn insert(tx: &mut Tx, p: &NewPosition<'_>) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "INSERT INTO positions (kind, name, org_id, org_path, unit_id, lon, lat, area_m2, rooms, facilities, hours, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id")
        .bind(p.kind.code()).bind(p.name).bind(p.org_id).bind(p.org_path).bind(p.unit_id)
        .bind(p.point.0).bind(p.point.1).bind(p.area_m2).bind(p.rooms).bind(p.facilities).bind(p.hours)
        .bind(p.by).bind(clock::now()).fetch_one(c).await)?)
}

pub async fn by_id(tx: &mut Tx, id: i64) -> Result<Option<PositionRow>, StoreError> {
    let sql = format!("{SELECT} WHERE p.id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, PositionRow>(&sql).bind(id).fetch_optional(c).await)?)
}

/// The positions run from the subtree at `path`, optionally of one kind, by org and id: the
/// `limit` after the (org path, id) cursor.
pub async fn within(
    tx: &mut Tx,
    path: &str,
    kind: Option<PositionKind>,
    after: Option<(String, i64)>,
    limit: i64,
) -> Result<Vec<PositionRow>, StoreError> {
    let mut a = Args::default();
    let mut wh = vec![format!(
        "p.org_path >= {} AND p.org_path < {}",
        a.text(path),
        a.text(&upper(path))
    )];
    if let Some(k) = kind {
        wh.push(format!("p.kind = {}", a.text(k.code())));
    }
    if let Some((at, id)) = after {
        wh.push(format!(
            "(p.org_path, p.id) > ({}, {})",
            a.text(&at),
            a.int(id)
        ));
    }
    let sql = format!(
        "{SELECT} WHERE {} ORDER BY p.org_path, p.id LIMIT {limit}",
        wh.join(" AND ")
    );
    fetch(tx, &sql, &a).await
}

/// Where the positions of some kinds run from the subtree at `path` stand (the service
/// circle reads all of a scope's).
pub async fn points(
    tx: &mut Tx,
    path: &str,
    kinds: &[PositionKind],
) -> Result<Vec<(f64, f64)>, StoreError> {
    let mut a = Args::default();
    let mut wh = vec![format!(
        "org_path >= {} AND org_path < {}",
        a.text(path),
        a.text(&upper(path))
    )];
    if !kinds.is_empty() {
        let list: Vec<String> = kinds.iter().map(|k| a.text(k.code())).collect();
        wh.push(format!("kind IN ({})", list.join(", ")));
    }
    let sql = format!(
        "SELECT lon, lat FROM positions WHERE {} ORDER BY id",
        wh.join(" AND ")
    );
    fetch(tx, &sql, &a).await
}

/// The floor-area standards: (org path, kind, minimum m²).
pub async fn standards(tx: &mut Tx) -> Result<Vec<(String, String, i64)>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, (String, String, i64)>(
        "SELECT org_path, kind, min_area_m2 FROM position_standards ORDER BY org_path, kind")
        .fetch_all(c).await)?)
}

/// Sets the standard of a kind for the subtree at `path` (none takes it away).
pub async fn set_standard(
    tx: &mut Tx,
    path: &str,
    kind: PositionKind,
    m2: Option<i64>,
) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("DELETE FROM position_standards WHERE org_path = $1 AND kind = $2")
        .bind(path).bind(kind.code()).execute(c).await.map(|_| ()))?;
    if let Some(m2) = m2 {
        on!(tx, c => sqlx::query(
            "INSERT INTO position_standards (org_path, kind, min_area_m2) VALUES ($1, $2, $3)")
            .bind(path).bind(kind.code()).bind(m2).execute(c).await.map(|_| ()))?;
    }
    Ok(())
}

/// The residential buildings of the subtree at `path` with their households and grid:
/// (longitude, latitude, households, place id).
pub async fn buildings(tx: &mut Tx, path: &str) -> Result<Vec<(f64, f64, i64, i64)>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, (f64, f64, i64, i64)>(
        "SELECT p.lon, p.lat, p.households, p.id FROM grid_places p JOIN grids g ON g.id = p.grid_id \
         JOIN orgs o ON o.id = g.community_org_id WHERE p.kind = 'building' AND o.path >= $1 AND o.path < $2 ORDER BY p.id")
        .bind(path).bind(upper(path)).fetch_all(c).await)?)
}

/// Where a new position could stand in the subtree at `path`: its buildings and units'
/// places, and the centres of its grids, as (what: `building`, `unit` or `grid`, name,
/// longitude, latitude).
pub async fn sites(tx: &mut Tx, path: &str) -> Result<Vec<(String, String, f64, f64)>, StoreError> {
    Ok(
        on!(tx, c => sqlx::query_as::<_, (String, String, f64, f64)>(
        "SELECT p.kind, p.name, p.lon, p.lat FROM grid_places p JOIN grids g ON g.id = p.grid_id \
         JOIN orgs o ON o.id = g.community_org_id WHERE o.path >= $1 AND o.path < $2 \
         UNION ALL SELECT 'grid', g.name, (g.min_lon + g.max_lon) / 2, (g.min_lat + g.max_lat) / 2 FROM grids g \
         JOIN orgs o ON o.id = g.community_org_id WHERE o.path >= $1 AND o.path < $2 ORDER BY 1, 3, 4, 2")
        .bind(path).bind(upper(path)).fetch_all(c).await)?,
    )
}
