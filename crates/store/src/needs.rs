//! 需求清单 records, their categories, and the figures kept as they change.

use crate::db::on;
use crate::keyset::{Args, Scope, fetch};
use crate::{StoreError, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use jiceng_domain::clock;
use jiceng_domain::needs::{MetBy, NeedSource, NeedStatus, NeedUrgency};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CategoryRow {
    pub code: String,
    pub name: String,
    pub parent_code: Option<String>,
    pub position: i64,
}

/// Every category, the top ones first, each followed in order by its subcategories.
pub async fn categories(tx: &mut Tx) -> Result<Vec<CategoryRow>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, CategoryRow>(
        "SELECT k.code, k.name, k.parent_code, k.position FROM need_categories k \
         LEFT JOIN need_categories t ON t.code = k.parent_code \
         ORDER BY COALESCE(t.position, k.position), COALESCE(k.parent_code, k.code), k.parent_code IS NOT NULL, \
         k.position, k.code")
        .fetch_all(c).await)?)
}

pub async fn category(tx: &mut Tx, code: &str) -> Result<Option<CategoryRow>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, CategoryRow>(
        "SELECT code, name, parent_code, position FROM need_categories WHERE code = $1")
        .bind(code).fetch_optional(c).await)?)
}

pub async fn add_category(
    tx: &mut Tx,
    code: &str,
    name: &str,
    parent: Option<&str>,
) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query(
        "INSERT INTO need_categories (code, name, parent_code, position) VALUES ($1, $2, $3, \
         (SELECT COALESCE(MAX(position), 0) + 1 FROM need_categories WHERE parent_code IS NOT DISTINCT FROM $3))")
        .bind(code).bind(name).bind(parent).execute(c).await.map(|_| ()))?;
    Ok(())
}

pub async fn rename_category(tx: &mut Tx, code: &str, name: &str) -> Result<u64, StoreError> {
    Ok(
        on!(tx, c => sqlx::query("UPDATE need_categories SET name = $1 WHERE code = $2")
        .bind(name).bind(code).execute(c).await.map(|r| r.rows_affected()))?,
    )
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NeedRow {
    pub id: i64,
    pub community_org_id: i64,
    pub community_name: String,
    pub community_path: String,
    pub street_org_id: Option<i64>,
    pub district_org_id: Option<i64>,
    pub category: String,
    pub category_name: String,
    pub top_category: String,
    pub title: String,
    pub detail: Option<String>,
    pub place_id: Option<i64>,
    pub place_name: Option<String>,
    pub grid_id: Option<i64>,
    pub grid_name: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub urgency: NeedUrgency,
    pub people: i64,
    pub supporters: i64,
    pub wanted_from: Option<NaiveDate>,
    pub wanted_until: Option<NaiveDate>,
    pub source: NeedSource,
    pub resident_id: Option<i64>,
    pub resident_user_id: Option<i64>,
    pub resident_name: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub status: NeedStatus,
    pub merged_into: Option<i64>,
    pub met_by: Option<MetBy>,
    pub met_on: Option<NaiveDate>,
    pub outcome: Option<String>,
    pub rating: Option<i64>,
    pub rating_note: Option<String>,
    pub reviewed_by: Option<String>,
    pub posted_on: NaiveDate,
    pub year: i64,
    pub posted_by: String,
    /// The words of title and detail, space-separated.
    pub words: String,
}

const SELECT: &str = "SELECT n.id, n.community_org_id, c.name AS community_name, n.community_path, n.street_org_id, \
     n.district_org_id, n.category, k.name AS category_name, n.top_category, n.title, n.detail, n.place_id, \
     p.name AS place_name, n.grid_id, g.name AS grid_name, n.lon, n.lat, n.urgency, n.people, n.supporters, \
     n.wanted_from, n.wanted_until, n.source, n.resident_id, r.user_id AS resident_user_id, r.name AS resident_name, \
     n.unit_id, u.name AS unit_name, n.status, n.merged_into, n.met_by, n.met_on, n.outcome, n.rating, n.rating_note, \
     n.reviewed_by, n.posted_on, n.year, n.posted_by, n.words \
     FROM needs n JOIN orgs c ON c.id = n.community_org_id JOIN need_categories k ON k.code = n.category \
     LEFT JOIN grid_places p ON p.id = n.place_id LEFT JOIN grids g ON g.id = n.grid_id \
     LEFT JOIN residents r ON r.id = n.resident_id LEFT JOIN units u ON u.id = n.unit_id";

pub struct NewNeed<'a> {
    pub community_org_id: i64,
    pub community_path: &'a str,
    pub category: &'a str,
    pub top_category: &'a str,
    pub title: &'a str,
    pub title_key: &'a str,
    pub detail: Option<&'a str>,
    pub words: &'a str,
    pub place_id: Option<i64>,
    pub grid_id: Option<i64>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub urgency: NeedUrgency,
    pub people: i64,
    pub wanted_from: Option<NaiveDate>,
    pub wanted_until: Option<NaiveDate>,
    pub source: NeedSource,
    pub resident_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub status: NeedStatus,
    pub posted_on: NaiveDate,
    pub by: &'a str,
}

pub async fn insert(tx: &mut Tx, n: &NewNeed<'_>) -> Result<i64, StoreError> {
    let sql = format!(
        "INSERT INTO needs (community_org_id, community_path, category, top_category, title, title_key, detail, place_id, \
         grid_id, lon, lat, urgency, people, wanted_from, wanted_until, source, resident_id, unit_id, status, posted_on, \
         year, posted_by, created_at, words, district_org_id, street_org_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
         $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, {}) RETURNING id",
        crate::orgs::levels_of_community("$1")
    );
    use chrono::Datelike;
    Ok(on!(tx, c => sqlx::query_scalar(&sql)
        .bind(n.community_org_id).bind(n.community_path).bind(n.category).bind(n.top_category).bind(n.title)
        .bind(n.title_key).bind(n.detail).bind(n.place_id).bind(n.grid_id).bind(n.lon).bind(n.lat).bind(n.urgency)
        .bind(n.people).bind(n.wanted_from).bind(n.wanted_until).bind(n.source).bind(n.resident_id).bind(n.unit_id)
        .bind(n.status).bind(n.posted_on).bind(i64::from(n.posted_on.year())).bind(n.by).bind(clock::now())
        .bind(n.words).fetch_one(c).await)?)
}

pub async fn by_id(tx: &mut Tx, id: i64) -> Result<Option<NeedRow>, StoreError> {
    let sql = format!("{SELECT} WHERE n.id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, NeedRow>(&sql).bind(id).fetch_optional(c).await)?)
}

/// An open (or pending) need of the community with the same title: the one a repeat joins.
pub async fn same(tx: &mut Tx, community: i64, title_key: &str) -> Result<Option<i64>, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "SELECT id FROM needs WHERE community_org_id = $1 AND title_key = $2 AND status IN ('open', 'pending') \
         ORDER BY id LIMIT 1")
        .bind(community).bind(title_key).fetch_optional(c).await)?)
}

/// Repeats of the need join it: their supporters, and their people.
pub async fn join(tx: &mut Tx, id: i64, supporters: i64, people: i64) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE needs SET supporters = supporters + $1, people = people + $2 WHERE id = $3")
        .bind(supporters).bind(people).bind(id).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// What a move writes.
pub struct Change<'a> {
    pub status: NeedStatus,
    pub merged_into: Option<i64>,
    pub met_by: Option<MetBy>,
    pub met_on: Option<NaiveDate>,
    pub outcome: Option<&'a str>,
    pub reviewed_by: Option<&'a str>,
}

/// Writes a move; `from` guards against a concurrent one (0 rows when it lost).
pub async fn set_state(
    tx: &mut Tx,
    id: i64,
    from: NeedStatus,
    c: &Change<'_>,
) -> Result<u64, StoreError> {
    Ok(on!(tx, conn => sqlx::query(
        "UPDATE needs SET status = $1, merged_into = COALESCE($2, merged_into), met_by = COALESCE($3, met_by), \
         met_on = COALESCE($4, met_on), outcome = COALESCE($5, outcome), reviewed_by = COALESCE($6, reviewed_by) \
         WHERE id = $7 AND status = $8")
        .bind(c.status).bind(c.merged_into).bind(c.met_by).bind(c.met_on).bind(c.outcome).bind(c.reviewed_by)
        .bind(id).bind(from).execute(conn).await.map(|r| r.rows_affected()))?)
}

/// Rates a met need once (0 rows when it was rated meanwhile).
pub async fn rate(
    tx: &mut Tx,
    id: i64,
    rating: i64,
    note: Option<&str>,
) -> Result<u64, StoreError> {
    Ok(on!(tx, c => sqlx::query(
        "UPDATE needs SET rating = $1, rating_note = $2 WHERE id = $3 AND rating IS NULL AND status = 'met'")
        .bind(rating).bind(note).bind(id).execute(c).await.map(|r| r.rows_affected()))?)
}

/// What a list of needs is filtered by.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<NeedStatus>,
    pub top_category: Option<String>,
}

/// Needs of a scope, newest first: the `limit` after the id `after`.
pub async fn within(
    tx: &mut Tx,
    scope: &Scope,
    f: &Filter,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<NeedRow>, StoreError> {
    let mut a = Args::default();
    let mut wh: Vec<String> = a
        .scope_with("n.", "n.community_path", scope)
        .into_iter()
        .collect();
    if let Some(s) = f.status {
        wh.push(format!("n.status = {}", a.text(s.code())));
    }
    if let Some(t) = &f.top_category {
        wh.push(format!("n.top_category = {}", a.text(t)));
    }
    if let Some(id) = after {
        wh.push(format!("n.id < {}", a.int(id)));
    }
    if wh.is_empty() {
        wh.push("1 = 1".into());
    }
    let sql = format!(
        "{SELECT} WHERE {} ORDER BY n.id DESC LIMIT {limit}",
        wh.join(" AND ")
    );
    fetch(tx, &sql, &a).await
}

/// A resident's own needs, newest first.
pub async fn of_resident(
    tx: &mut Tx,
    resident: i64,
    limit: i64,
) -> Result<Vec<NeedRow>, StoreError> {
    let sql = format!("{SELECT} WHERE n.resident_id = $1 ORDER BY n.id DESC LIMIT $2");
    Ok(
        on!(tx, c => sqlx::query_as::<_, NeedRow>(&sql).bind(resident).bind(limit).fetch_all(c).await)?,
    )
}

/// The orgs a need's figures are kept for: its community, street and district, and the city
/// (0).
pub fn tally_orgs(n: &NeedRow) -> Vec<i64> {
    [
        Some(n.community_org_id),
        n.street_org_id,
        n.district_org_id,
        Some(0),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Adds to the figures of `orgs` for a year and top category.
pub async fn tally(
    tx: &mut Tx,
    orgs: &[i64],
    year: i64,
    top: &str,
    collected: i64,
    met: i64,
) -> Result<(), StoreError> {
    for org in orgs {
        on!(tx, c => sqlx::query(
            "INSERT INTO need_tallies (org_id, year, top_category, collected, met) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (org_id, year, top_category) DO UPDATE SET collected = need_tallies.collected + $4, \
             met = need_tallies.met + $5")
            .bind(org).bind(year).bind(top).bind(collected).bind(met).execute(c).await.map(|_| ()))?;
    }
    Ok(())
}

/// Adds `n` needs met in `days` to the histograms of `orgs` for a year.
pub async fn tally_days(
    tx: &mut Tx,
    orgs: &[i64],
    year: i64,
    days: i64,
    n: i64,
) -> Result<(), StoreError> {
    for org in orgs {
        on!(tx, c => sqlx::query(
            "INSERT INTO need_met_days (org_id, year, days, n) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (org_id, year, days) DO UPDATE SET n = need_met_days.n + $4")
            .bind(org).bind(year).bind(days).bind(n).execute(c).await.map(|_| ()))?;
    }
    Ok(())
}

/// An org's kept figures for a year: (top category, collected, met).
pub async fn tallies(
    tx: &mut Tx,
    org: i64,
    year: i64,
) -> Result<Vec<(String, i64, i64)>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, (String, i64, i64)>(
        "SELECT top_category, collected, met FROM need_tallies WHERE org_id = $1 AND year = $2 ORDER BY top_category")
        .bind(org).bind(year).fetch_all(c).await)?)
}

/// An org's histogram of days to meet for a year: (days, needs).
pub async fn met_days(tx: &mut Tx, org: i64, year: i64) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, (i64, i64)>(
        "SELECT days, n FROM need_met_days WHERE org_id = $1 AND year = $2 AND n > 0 ORDER BY days")
        .bind(org).bind(year).fetch_all(c).await)?)
}

/// What matching reads of an open need.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Matchable {
    pub id: i64,
    pub community_org_id: i64,
    pub category: String,
    pub top_category: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub people: i64,
    pub wanted_from: Option<NaiveDate>,
    pub wanted_until: Option<NaiveDate>,
    pub words: String,
}

/// Open needs, a page at a time by id.
pub async fn open_page(tx: &mut Tx, after: i64, limit: i64) -> Result<Vec<Matchable>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, Matchable>(
        "SELECT id, community_org_id, category, top_category, lon, lat, people, wanted_from, wanted_until, words FROM needs \
         WHERE status = 'open' AND id > $1 ORDER BY id LIMIT $2")
        .bind(after).bind(limit).fetch_all(c).await)?)
}

pub async fn matchable(tx: &mut Tx, id: i64) -> Result<Option<Matchable>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, Matchable>(
        "SELECT id, community_org_id, category, top_category, lon, lat, people, wanted_from, wanted_until, words FROM needs WHERE id = $1")
        .bind(id).fetch_optional(c).await)?)
}

/// A need of a generated city, written as it stands.
pub struct GeneratedNeed {
    pub community_org_id: i64,
    pub community_path: String,
    pub category: &'static str,
    pub title: String,
    pub words: String,
    /// Where it is: (building, grid, longitude, latitude); a generated point has no building.
    pub place: Option<(Option<i64>, Option<i64>, f64, f64)>,
    pub urgency: NeedUrgency,
    pub people: i64,
    pub source: NeedSource,
    pub unit_id: Option<i64>,
    pub status: NeedStatus,
    pub met_by: Option<MetBy>,
    pub met_on: Option<NaiveDate>,
    pub rating: Option<i64>,
    pub posted_on: NaiveDate,
}

/// Writes generated needs (their figures are recounted after, see [`recount`]).
pub async fn add_generated(tx: &mut Tx, rows: &[GeneratedNeed]) -> Result<(), StoreError> {
    use chrono::Datelike;
    let now = clock::now();
    let communities: Vec<i64> = rows.iter().map(|r| r.community_org_id).collect();
    let levels = crate::orgs::streets_of(tx, &communities).await?;
    for chunk in rows.chunks(400) {
        let sql = format!(
            "INSERT INTO needs (community_org_id, community_path, category, top_category, title, title_key, words, place_id, \
             grid_id, lon, lat, urgency, people, source, unit_id, status, met_by, met_on, rating, posted_on, year, posted_by, \
             created_at, district_org_id, street_org_id) VALUES {}",
            crate::values_list(tx.backend(), chunk.len(), 25)
        );
        on!(tx, c => {
            let mut q = sqlx::query(&sql);
            for r in chunk {
                let level = levels.get(&r.community_org_id);
                q = q.bind(r.community_org_id).bind(&r.community_path).bind(r.category)
                    .bind(jiceng_domain::needs::top_of(r.category)).bind(&r.title)
                    .bind(jiceng_domain::needs::title_key(&r.title)).bind(&r.words)
                    .bind(r.place.and_then(|p| p.0)).bind(r.place.and_then(|p| p.1)).bind(r.place.map(|p| p.2))
                    .bind(r.place.map(|p| p.3)).bind(r.urgency).bind(r.people).bind(r.source).bind(r.unit_id)
                    .bind(r.status).bind(r.met_by).bind(r.met_on).bind(r.rating).bind(r.posted_on)
                    .bind(i64::from(r.posted_on.year())).bind("demo").bind(now)
                    .bind(level.and_then(|l| l.0)).bind(level.and_then(|l| l.1));
            }
            q.execute(c).await.map(|_| ())
        })?;
    }
    Ok(())
}

/// A community's needs of one status, oldest first: (id, people).
pub async fn ids_of(
    tx: &mut Tx,
    community: i64,
    status: NeedStatus,
) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, (i64, i64)>(
        "SELECT id, people FROM needs WHERE community_org_id = $1 AND status = $2 ORDER BY id")
        .bind(community).bind(status).fetch_all(c).await)?)
}

/// Rebuilds the kept figures from the needs themselves: after needs were written in bulk.
pub async fn recount(tx: &mut Tx) -> Result<(), StoreError> {
    let collected = "'open', 'in_project', 'met', 'closed'";
    for sql in [
        "DELETE FROM need_tallies".to_string(),
        "DELETE FROM need_met_days".to_string(),
    ] {
        on!(tx, c => sqlx::query(&sql).execute(c).await.map(|_| ()))?;
    }
    for level in ["community_org_id", "street_org_id", "district_org_id", "0"] {
        // The city is org 0; a constant is no GROUP BY term (SQLite reads a number as a column).
        let (org, filter, by) = if level == "0" {
            ("0".to_string(), "1 = 1".to_string(), String::new())
        } else {
            (
                level.to_string(),
                format!("{level} IS NOT NULL"),
                format!("{level}, "),
            )
        };
        let tallies = format!(
            "INSERT INTO need_tallies (org_id, year, top_category, collected, met) \
             SELECT {org}, year, top_category, SUM(CASE WHEN status IN ({collected}) THEN 1 ELSE 0 END), \
             SUM(CASE WHEN status = 'met' THEN 1 ELSE 0 END) FROM needs WHERE {filter} GROUP BY {by}year, top_category"
        );
        on!(tx, c => sqlx::query(&tallies).execute(c).await.map(|_| ()))?;
        let days = format!(
            "INSERT INTO need_met_days (org_id, year, days, n) SELECT {org}, year, {}, COUNT(*) FROM needs \
             WHERE status = 'met' AND {filter} GROUP BY {by}year, {}",
            days_between(tx.backend()),
            days_between(tx.backend())
        );
        on!(tx, c => sqlx::query(&days).execute(c).await.map(|_| ()))?;
    }
    Ok(())
}

/// Whole days from `posted_on` to `met_on`, as each backend writes it.
fn days_between(b: crate::Backend) -> &'static str {
    match b {
        crate::Backend::Sqlite => "CAST(julianday(met_on) - julianday(posted_on) AS INTEGER)",
        crate::Backend::Postgres => "(met_on - posted_on)",
    }
}

/// Needs in all, and open ones (the benchmarks' report).
pub async fn totals(tx: &mut Tx) -> Result<(i64, i64), StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, (i64, i64)>(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END), 0) FROM needs")
        .fetch_one(c).await)?)
}

/// Open needs' ids, every `step`-th by id, at most `limit` (samples spread over the city).
pub async fn open_sample(tx: &mut Tx, step: i64, limit: i64) -> Result<Vec<i64>, StoreError> {
    let sql = match tx.backend() {
        crate::Backend::Sqlite => {
            "SELECT id FROM needs WHERE status = 'open' AND id % $1 = 0 ORDER BY id LIMIT $2"
        }
        crate::Backend::Postgres => {
            "SELECT id FROM needs WHERE status = 'open' AND id % $1 = 0 ORDER BY id LIMIT $2"
        }
    };
    Ok(on!(tx, c => sqlx::query_scalar(sql).bind(step.max(1)).bind(limit).fetch_all(c).await)?)
}

/// The open needs with ids in `(after, last]` not scored on their own since `since`: a page
/// of the bulk refresh read again under the write lock (one range of the status index).
pub async fn open_between(
    tx: &mut Tx,
    after: i64,
    last: i64,
    since: DateTime<Utc>,
) -> Result<std::collections::HashSet<i64>, StoreError> {
    let ids: Vec<i64> = on!(tx, c => sqlx::query_scalar(
        "SELECT id FROM needs WHERE status = 'open' AND id > $1 AND id <= $2 AND (scored_at IS NULL OR scored_at <= $3)")
        .bind(after).bind(last).bind(since).fetch_all(c).await)?;
    Ok(ids.into_iter().collect())
}

/// When a need was last scored on its own (its suggestions written then are fresher than a
/// bulk refresh begun before).
pub async fn scored(tx: &mut Tx, id: i64, at: DateTime<Utc>) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE needs SET scored_at = $1 WHERE id = $2")
        .bind(at).bind(id).execute(c).await.map(|_| ()))?;
    Ok(())
}
