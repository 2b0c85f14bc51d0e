//! Communities' boundaries, drawn by their streets: one polygon per community.

use crate::db::on;
use crate::{StoreError, Tx};
use chrono::{DateTime, Utc};
use jiceng_domain::path::upper;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BoundaryRow {
    pub org_id: i64,
    pub org_code: String,
    pub org_name: String,
    pub geometry: String,
    pub drawn_by: String,
    pub drawn_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT b.org_id, o.code AS org_code, o.name AS org_name, b.geometry, b.drawn_by, b.drawn_at \
     FROM community_boundaries b JOIN orgs o ON o.id = b.org_id";

pub async fn of(tx: &mut Tx, org_id: i64) -> Result<Option<BoundaryRow>, StoreError> {
    let sql = format!("{SELECT} WHERE b.org_id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, BoundaryRow>(&sql).bind(org_id).fetch_optional(c).await)?)
}

/// Draws, or redraws, the community's boundary.
pub async fn put(
    tx: &mut Tx,
    org_id: i64,
    geometry: &str,
    (x0, y0, x1, y1): (f64, f64, f64, f64),
    by: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query(
        "INSERT INTO community_boundaries (org_id, geometry, min_lon, min_lat, max_lon, max_lat, drawn_by, drawn_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (org_id) DO UPDATE SET geometry = excluded.geometry, \
         min_lon = excluded.min_lon, min_lat = excluded.min_lat, max_lon = excluded.max_lon, max_lat = excluded.max_lat, \
         drawn_by = excluded.drawn_by, drawn_at = excluded.drawn_at")
        .bind(org_id).bind(geometry).bind(x0).bind(y0).bind(x1).bind(y1).bind(by).bind(at)
        .execute(c).await.map(|_| ()))?;
    Ok(())
}

pub async fn remove(tx: &mut Tx, org_id: i64) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("DELETE FROM community_boundaries WHERE org_id = $1")
        .bind(org_id).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Boundaries whose bounding box meets the box (min lon, min lat, max lon, max lat).
pub async fn meeting_box(
    tx: &mut Tx,
    (x0, y0, x1, y1): (f64, f64, f64, f64),
) -> Result<Vec<BoundaryRow>, StoreError> {
    let sql = format!(
        "{SELECT} WHERE b.min_lon < $3 AND b.max_lon > $1 AND b.min_lat < $4 AND b.max_lat > $2 ORDER BY o.code"
    );
    Ok(
        on!(tx, c => sqlx::query_as::<_, BoundaryRow>(&sql).bind(x0).bind(y0).bind(x1).bind(y1).fetch_all(c).await)?,
    )
}

/// The boundaries of the communities in a subtree, by code: one per community, so as many as
/// the subtree has communities.
pub async fn within(tx: &mut Tx, path: &str) -> Result<Vec<BoundaryRow>, StoreError> {
    let sql = format!("{SELECT} WHERE o.path >= $1 AND o.path < $2 ORDER BY o.code");
    let up = upper(path);
    Ok(
        on!(tx, c => sqlx::query_as::<_, BoundaryRow>(&sql).bind(path).bind(&up).fetch_all(c).await)?,
    )
}
