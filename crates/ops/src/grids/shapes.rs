//! Grids' polygons, parsed once and kept in memory: locating a case tests the few grids whose
//! box holds its point, and reads a polygon from the database only when the cached copy is
//! missing or no longer matches the grid's box and length.

use crate::OpsError;
use jiceng_domain::grids::Polygon;
use jiceng_store::Tx;
use jiceng_store::cases::{self as store, GridBox};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// A polygon is known by its grid, its box and its length: a grid redrawn, or another
/// database's grid of the same id, misses.
type Key = (i64, [u64; 4], i64);

/// More grids than a city has; past it the cache starts again rather than grow.
const MAX_CACHED: usize = 20_000;

fn cache() -> &'static Mutex<HashMap<Key, Arc<Polygon>>> {
    static SHAPES: OnceLock<Mutex<HashMap<Key, Arc<Polygon>>>> = OnceLock::new();
    SHAPES.get_or_init(Default::default)
}

fn key(b: &GridBox) -> Key {
    (
        b.id,
        [b.min_lon, b.min_lat, b.max_lon, b.max_lat].map(f64::to_bits),
        b.geometry_len,
    )
}

/// The polygon of the grid in `b`, from the cache or parsed once from the database; `None`
/// when the stored polygon no longer parses.
async fn shape(tx: &mut Tx, b: &GridBox) -> Result<Option<Arc<Polygon>>, OpsError> {
    let k = key(b);
    if let Some(p) = cache().lock().expect("shape cache").get(&k) {
        return Ok(Some(p.clone()));
    }
    let Some(row) = store::grid_by_id(tx, b.id).await? else {
        return Ok(None);
    };
    let Ok(p) = super::parse_geometry(&row.geometry) else {
        return Ok(None);
    };
    let p = Arc::new(p);
    let mut cached = cache().lock().expect("shape cache");
    if cached.len() >= MAX_CACHED {
        cached.clear();
    }
    cached.insert(k, p.clone());
    Ok(Some(p))
}

/// The id of the grid whose polygon holds the point. Grids do not overlap, so at most one does.
pub(crate) async fn locate(tx: &mut Tx, lon: f64, lat: f64) -> Result<Option<i64>, OpsError> {
    for b in store::grid_boxes_around(tx, lon, lat).await? {
        if shape(tx, &b).await?.is_some_and(|p| p.contains((lon, lat))) {
            return Ok(Some(b.id));
        }
    }
    Ok(None)
}
