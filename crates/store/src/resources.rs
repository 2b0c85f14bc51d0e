//! 资源清单 records.

use crate::db::on;
use crate::keyset::{Args, Scope, fetch};
use crate::{StoreError, Tx};
use chrono::NaiveDate;
use jiceng_domain::clock;
use jiceng_domain::resources::{OwnerKind, ResourceKind, ResourceStatus};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ResourceRow {
    pub id: i64,
    pub community_org_id: i64,
    pub community_name: String,
    pub community_path: String,
    pub owner_kind: OwnerKind,
    pub unit_id: Option<i64>,
    pub owner_name: String,
    pub kind: ResourceKind,
    pub category: String,
    pub category_name: String,
    pub top_category: String,
    pub title: String,
    pub detail: Option<String>,
    pub words: String,
    pub capacity: i64,
    pub used: i64,
    pub measure: String,
    pub days: String,
    pub available_from: Option<NaiveDate>,
    pub available_until: Option<NaiveDate>,
    pub place_id: Option<i64>,
    pub place_name: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub reach_m: Option<f64>,
    pub status: ResourceStatus,
    pub year: i64,
    pub posted_on: NaiveDate,
    pub posted_by: String,
}

const SELECT: &str = "SELECT r.id, r.community_org_id, c.name AS community_name, r.community_path, r.owner_kind, r.unit_id, \
     r.owner_name, r.kind, r.category, k.name AS category_name, r.top_category, r.title, r.detail, r.words, r.capacity, \
     r.used, r.measure, r.days, r.available_from, r.available_until, r.place_id, p.name AS place_name, r.lon, r.lat, \
     r.reach_m, r.status, r.year, r.posted_on, r.posted_by \
     FROM resources r JOIN orgs c ON c.id = r.community_org_id JOIN need_categories k ON k.code = r.category \
     LEFT JOIN grid_places p ON p.id = r.place_id";

pub struct NewResource<'a> {
    pub community_org_id: i64,
    pub community_path: &'a str,
    pub owner_kind: OwnerKind,
    pub unit_id: Option<i64>,
    pub owner_name: &'a str,
    pub kind: ResourceKind,
    pub category: &'a str,
    pub top_category: &'a str,
    pub title: &'a str,
    pub detail: Option<&'a str>,
    pub words: &'a str,
    pub capacity: i64,
    pub measure: &'a str,
    pub days: &'a str,
    pub available_from: Option<NaiveDate>,
    pub available_until: Option<NaiveDate>,
    pub place_id: Option<i64>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub reach_m: Option<f64>,
    pub posted_on: NaiveDate,
    pub by: &'a str,
}

pub async fn insert(tx: &mut Tx, r: &NewResource<'_>) -> Result<i64, StoreError> {
    let sql = format!(
        "INSERT INTO resources (community_org_id, community_path, owner_kind, unit_id, owner_name, kind, category, \
         top_category, title, detail, words, capacity, measure, days, available_from, available_until, place_id, lon, lat, \
         reach_m, status, year, posted_on, posted_by, created_at, district_org_id, street_org_id) VALUES ($1, $2, $3, $4, $5, \
         $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, 'active', $21, $22, $23, $24, {}) RETURNING id",
        crate::orgs::levels_of_community("$1")
    );
    use chrono::Datelike;
    Ok(on!(tx, c => sqlx::query_scalar(&sql)
        .bind(r.community_org_id).bind(r.community_path).bind(r.owner_kind).bind(r.unit_id).bind(r.owner_name)
        .bind(r.kind).bind(r.category).bind(r.top_category).bind(r.title).bind(r.detail).bind(r.words).bind(r.capacity)
        .bind(r.measure).bind(r.days).bind(r.available_from).bind(r.available_until).bind(r.place_id).bind(r.lon)
        .bind(r.lat).bind(r.reach_m).bind(i64::from(r.posted_on.year())).bind(r.posted_on).bind(r.by).bind(clock::now())
        .fetch_one(c).await)?)
}

pub async fn by_id(tx: &mut Tx, id: i64) -> Result<Option<ResourceRow>, StoreError> {
    let sql = format!("{SELECT} WHERE r.id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, ResourceRow>(&sql).bind(id).fetch_optional(c).await)?)
}

pub async fn set_status(
    tx: &mut Tx,
    id: i64,
    from: ResourceStatus,
    to: ResourceStatus,
) -> Result<u64, StoreError> {
    Ok(
        on!(tx, c => sqlx::query("UPDATE resources SET status = $1 WHERE id = $2 AND status = $3")
        .bind(to).bind(id).bind(from).execute(c).await.map(|r| r.rows_affected()))?,
    )
}

/// Draws `amount` on a resource's capacity (a negative amount gives it back), only while that
/// much is left: 0 rows when it is not.
pub async fn draw(tx: &mut Tx, id: i64, amount: i64) -> Result<u64, StoreError> {
    Ok(on!(tx, c => sqlx::query(
        "UPDATE resources SET used = used + $1 WHERE id = $2 AND used + $1 <= capacity AND used + $1 >= 0")
        .bind(amount).bind(id).execute(c).await.map(|r| r.rows_affected()))?)
}

/// Resources of a scope, newest first: the `limit` after the id `after`.
pub async fn within(
    tx: &mut Tx,
    scope: &Scope,
    status: Option<ResourceStatus>,
    top_category: Option<&str>,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<ResourceRow>, StoreError> {
    let mut a = Args::default();
    let mut wh: Vec<String> = a
        .scope_with("r.", "r.community_path", scope)
        .into_iter()
        .collect();
    if let Some(s) = status {
        wh.push(format!("r.status = {}", a.text(s.code())));
    }
    if let Some(t) = top_category {
        wh.push(format!("r.top_category = {}", a.text(t)));
    }
    if let Some(id) = after {
        wh.push(format!("r.id < {}", a.int(id)));
    }
    if wh.is_empty() {
        wh.push("1 = 1".into());
    }
    let sql = format!(
        "{SELECT} WHERE {} ORDER BY r.id DESC LIMIT {limit}",
        wh.join(" AND ")
    );
    fetch(tx, &sql, &a).await
}

/// A unit's own resources, newest first.
pub async fn of_unit(tx: &mut Tx, unit: i64, limit: i64) -> Result<Vec<ResourceRow>, StoreError> {
    let sql = format!("{SELECT} WHERE r.unit_id = $1 ORDER BY r.id DESC LIMIT $2");
    Ok(
        on!(tx, c => sqlx::query_as::<_, ResourceRow>(&sql).bind(unit).bind(limit).fetch_all(c).await)?,
    )
}

/// What matching reads of a resource.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Candidate {
    pub id: i64,
    pub community_org_id: i64,
    pub category: String,
    pub top_category: String,
    pub words: String,
    pub capacity: i64,
    pub used: i64,
    pub days: String,
    pub available_from: Option<NaiveDate>,
    pub available_until: Option<NaiveDate>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub reach_m: Option<f64>,
}

const CANDIDATE: &str = "SELECT id, community_org_id, category, top_category, words, capacity, used, days, available_from, available_until, \
     lon, lat, reach_m FROM resources";

/// The active resources of a top category with capacity left, for matching, a page at a time
/// by id (every category when none is named).
pub async fn candidates(
    tx: &mut Tx,
    top_category: Option<&str>,
    after: i64,
    limit: i64,
) -> Result<Vec<Candidate>, StoreError> {
    let mut a = Args::default();
    let mut wh = vec![
        "status = 'active'".to_string(),
        "used < capacity".to_string(),
        format!("id > {}", a.int(after)),
    ];
    if let Some(t) = top_category {
        wh.push(format!("top_category = {}", a.text(t)));
    }
    let sql = format!(
        "{CANDIDATE} WHERE {} ORDER BY id LIMIT {limit}",
        wh.join(" AND ")
    );
    fetch(tx, &sql, &a).await
}

/// A box of the map: (min_lon, min_lat, max_lon, max_lat).
pub type MapBox = (f64, f64, f64, f64);

/// The candidates of one need: its top category's active resources with capacity left,
/// offered to its community, or placed within `near` of it (the box of the default reach),
/// or within `far` of it reaching farther than `reach` metres (boxes are `(min_lon,
/// min_lat, max_lon, max_lat)`).
pub async fn near(
    tx: &mut Tx,
    top_category: &str,
    community: i64,
    boxes: Option<(MapBox, MapBox, f64)>,
) -> Result<Vec<Candidate>, StoreError> {
    let mut a = Args::default();
    let mut wh = vec![
        format!("top_category = {}", a.text(top_category)),
        "status = 'active'".to_string(),
        "used < capacity".to_string(),
    ];
    let here = format!("community_org_id = {}", a.int(community));
    match boxes {
        Some((n, f, reach)) => {
            let mut inside = |b: MapBox| {
                format!(
                    "lon >= {} AND lon <= {} AND lat >= {} AND lat <= {}",
                    a.float(b.0),
                    a.float(b.2),
                    a.float(b.1),
                    a.float(b.3)
                )
            };
            let (near, far) = (inside(n), inside(f));
            wh.push(format!(
                "({here} OR ({near}) OR (reach_m > {} AND {far}))",
                a.float(reach)
            ));
        }
        None => wh.push(here),
    }
    let sql = format!("{CANDIDATE} WHERE {} ORDER BY id", wh.join(" AND "));
    fetch(tx, &sql, &a).await
}

/// Resources in all (the benchmarks' report).
pub async fn total(tx: &mut Tx) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM resources").fetch_one(c).await)?)
}

/// Which of `ids` are still offered with capacity left.
pub async fn still_offered(
    tx: &mut Tx,
    ids: &[i64],
) -> Result<std::collections::HashSet<i64>, StoreError> {
    let mut unique: Vec<i64> = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    let mut out = std::collections::HashSet::new();
    for chunk in unique.chunks(500) {
        let sql = format!(
            "SELECT id FROM resources WHERE status = 'active' AND used < capacity AND id IN ({})",
            crate::in_list(1, chunk.len())
        );
        let found: Vec<i64> = on!(tx, c => {
            let mut q = sqlx::query_scalar(&sql);
            for id in chunk {
                q = q.bind(id);
            }
            q.fetch_all(c).await
        })?;
        out.extend(found);
    }
    Ok(out)
}
