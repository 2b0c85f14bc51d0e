//! The organisation tree, kept as a materialized path with member counts maintained on write.

use crate::db::on;
use crate::{StoreError, Tx, in_list, values_list};
use chrono::{DateTime, NaiveDate, Utc};
use jiceng_domain::clock;
use jiceng_domain::path::upper;
use jiceng_domain::{OrgCategory, OrgLevel, OrgPath};

const COLUMNS: &str = "id, code, name, level, category, parent_id, path, division_code, founded_on, elected_on, \
     term_years, term_due, project, ends_on, member_count, subtree_member_count, created_at, updated_at";

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct OrgRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub level: OrgLevel,
    pub category: OrgCategory,
    pub parent_id: Option<i64>,
    pub path: String,
    pub division_code: String,
    pub founded_on: Option<NaiveDate>,
    pub elected_on: Option<NaiveDate>,
    pub term_years: Option<i64>,
    pub term_due: Option<NaiveDate>,
    pub project: Option<String>,
    pub ends_on: Option<NaiveDate>,
    pub member_count: i64,
    pub subtree_member_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Fields of an org as written; `path` and counts are the store's business.
#[derive(Debug, Clone)]
pub struct OrgFields {
    pub code: String,
    pub name: String,
    pub level: OrgLevel,
    pub category: OrgCategory,
    pub division_code: String,
    pub founded_on: Option<NaiveDate>,
    pub elected_on: Option<NaiveDate>,
    pub term_years: Option<i64>,
    pub term_due: Option<NaiveDate>,
    pub project: Option<String>,
    pub ends_on: Option<NaiveDate>,
}

pub async fn insert(
    tx: &mut Tx,
    f: &OrgFields,
    parent: Option<&OrgRow>,
) -> Result<i64, StoreError> {
    let now = clock::now();
    let id: i64 = on!(tx, c => sqlx::query_scalar(
        "INSERT INTO orgs (code, name, level, category, parent_id, path, division_code, founded_on, elected_on, term_years, \
         term_due, project, ends_on, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, '/', $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id")
        .bind(&f.code).bind(&f.name).bind(f.level).bind(f.category).bind(parent.map(|p| p.id))
        .bind(&f.division_code).bind(f.founded_on).bind(f.elected_on).bind(f.term_years).bind(f.term_due)
        .bind(&f.project).bind(f.ends_on).bind(now)
        .fetch_one(c).await)?;
    let path = match parent {
        Some(p) => OrgPath(p.path.clone()).child(id),
        None => OrgPath::root(id),
    };
    on!(tx, c => sqlx::query("UPDATE orgs SET path = $1 WHERE id = $2").bind(&path.0).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    fill_levels(tx, &path.0).await?;
    Ok(id)
}

/// The district, street and community above each org at or under `path` (`org_levels`), as
/// the tree now stands: after an org is added or a subtree moves.
pub async fn fill_levels(tx: &mut Tx, path: &str) -> Result<(), StoreError> {
    let up = upper(path);
    on!(tx, c => sqlx::query(
        "DELETE FROM org_levels WHERE org_id IN (SELECT id FROM orgs WHERE path >= $1 AND path < $2)")
        .bind(path).bind(&up).execute(c).await.map(|r| r.rows_affected()))?;
    let sql = format!(
        "INSERT INTO org_levels (org_id, district_org_id, street_org_id, community_org_id) {LEVELS} \
         WHERE o.path >= $1 AND o.path < $2"
    );
    on!(tx, c => sqlx::query(&sql).bind(path).bind(&up).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// After the tree changed at or under `path` (a subtree moved, an org's level changed): the
/// orgs' levels, and the levels kept on the cases, meetings, service records, wishes, activities and
/// patrols there.
pub async fn relevel(tx: &mut Tx, path: &str) -> Result<(), StoreError> {
    fill_levels(tx, path).await?;
    let up = upper(path);
    let from = |t: &str, org: &str, col: &str| {
        format!("{col} = (SELECT l.{col} FROM org_levels l WHERE l.org_id = {t}.{org})")
    };
    for (t, org) in [("cases", "community_org_id"), ("meetings", "org_id")] {
        let mut set = vec![
            from(t, org, "district_org_id"),
            from(t, org, "street_org_id"),
        ];
        if t == "meetings" {
            set.push(from(t, org, "community_org_id"));
        }
        let sql = format!(
            "UPDATE {t} SET {} WHERE org_path >= $1 AND org_path < $2",
            set.join(", ")
        );
        on!(tx, c => sqlx::query(&sql).bind(path).bind(&up).execute(c).await.map(|r| r.rows_affected()))?;
    }
    for t in ["service_records", "wishes", "patrols", "activities"] {
        let set = [
            from(t, "community_org_id", "district_org_id"),
            from(t, "community_org_id", "street_org_id"),
        ];
        let sql = format!(
            "UPDATE {t} SET {} WHERE community_org_id IN (SELECT id FROM orgs WHERE path >= $1 AND path < $2)",
            set.join(", ")
        );
        on!(tx, c => sqlx::query(&sql).bind(path).bind(&up).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// The district and street above each of `ids` (communities), for rows written in bulk.
pub async fn streets_of(
    tx: &mut Tx,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, (Option<i64>, Option<i64>)>, StoreError> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut out = std::collections::HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT org_id, district_org_id, street_org_id FROM org_levels WHERE org_id IN ({})",
            crate::in_list(1, chunk.len())
        );
        let rows: Vec<(i64, Option<i64>, Option<i64>)> = on!(tx, c => {
            let mut q = sqlx::query_as(&sql);
            for id in chunk {
                q = q.bind(id);
            }
            q.fetch_all(c).await
        })?;
        out.extend(rows.into_iter().map(|(id, d, s)| (id, (d, s))));
    }
    Ok(out)
}

/// The district and street among the orgs a path names, for a line written under it (an
/// audit entry, a login): read from the path's own ids, so a line about an org deleted or
/// moved in the same transaction still lands where it was written.
pub async fn levels_at(
    tx: &mut Tx,
    path: Option<&str>,
) -> Result<(Option<i64>, Option<i64>), StoreError> {
    let ids = path
        .map(|p| OrgPath(p.to_string()).ids())
        .unwrap_or_default();
    if ids.is_empty() {
        return Ok((None, None));
    }
    let sql = format!(
        "SELECT id, level FROM orgs WHERE id IN ({}) AND level IN ('district', 'street')",
        crate::in_list(1, ids.len())
    );
    let rows: Vec<(i64, OrgLevel)> = on!(tx, c => {
        let mut q = sqlx::query_as(&sql);
        for id in &ids {
            q = q.bind(id);
        }
        q.fetch_all(c).await
    })?;
    let at = |l: OrgLevel| rows.iter().find(|r| r.1 == l).map(|r| r.0);
    Ok((at(OrgLevel::District), at(OrgLevel::Street)))
}

/// SQL for a row's district and street from the community bound at `param`, as written.
pub fn levels_of_community(param: &str) -> String {
    format!(
        "(SELECT l.district_org_id FROM org_levels l WHERE l.org_id = {param}), \
         (SELECT l.street_org_id FROM org_levels l WHERE l.org_id = {param})"
    )
}

/// Each org's id with the district, street and community at or above it (five parents up
/// reach a district from a 党员中心户).
const LEVELS: &str = "SELECT o.id, CASE WHEN o.level = 'district' THEN o.id WHEN p1.level = 'district' THEN p1.id WHEN p2.level = 'district' THEN p2.id WHEN p3.level = 'district' THEN p3.id WHEN p4.level = 'district' THEN p4.id WHEN p5.level = 'district' THEN p5.id END, CASE WHEN o.level = 'street' THEN o.id WHEN p1.level = 'street' THEN p1.id WHEN p2.level = 'street' THEN p2.id WHEN p3.level = 'street' THEN p3.id WHEN p4.level = 'street' THEN p4.id WHEN p5.level = 'street' THEN p5.id END, CASE WHEN o.level = 'community' THEN o.id WHEN p1.level = 'community' THEN p1.id WHEN p2.level = 'community' THEN p2.id WHEN p3.level = 'community' THEN p3.id WHEN p4.level = 'community' THEN p4.id WHEN p5.level = 'community' THEN p5.id END FROM orgs o LEFT JOIN orgs p1 ON p1.id = o.parent_id LEFT JOIN orgs p2 ON p2.id = p1.parent_id LEFT JOIN orgs p3 ON p3.id = p2.parent_id LEFT JOIN orgs p4 ON p4.id = p3.parent_id LEFT JOIN orgs p5 ON p5.id = p4.parent_id";

/// An org with its id and path decided by the caller, for bulk loads into an empty tree.
pub struct PlacedOrg {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub path: String,
    pub fields: OrgFields,
}

/// Writes the orgs, then their levels (`org_levels`) in one pass.
pub async fn insert_placed(tx: &mut Tx, orgs: &[PlacedOrg]) -> Result<(), StoreError> {
    let now = clock::now();
    for chunk in orgs.chunks(1000) {
        let sql = format!(
            "INSERT INTO orgs (id, code, name, level, category, parent_id, path, division_code, founded_on, elected_on, \
             term_years, term_due, project, ends_on, created_at, updated_at) VALUES {}",
            values_list(tx.backend(), chunk.len(), 16)
        );
        on!(tx, c => {
            let mut q = sqlx::query(&sql);
            for o in chunk {
                let f = &o.fields;
                q = q.bind(o.id).bind(&f.code).bind(&f.name).bind(f.level).bind(f.category).bind(o.parent_id)
                    .bind(&o.path).bind(&f.division_code).bind(f.founded_on).bind(f.elected_on).bind(f.term_years)
                    .bind(f.term_due).bind(&f.project).bind(f.ends_on).bind(now).bind(now);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    fill_levels(tx, "/").await
}

/// Rewrites an org's fields; a new level re-levels its subtree.
pub async fn update_fields(tx: &mut Tx, id: i64, f: &OrgFields) -> Result<(), StoreError> {
    let before = by_id(tx, id).await?;
    on!(tx, c => sqlx::query(
        "UPDATE orgs SET code = $1, name = $2, level = $3, category = $4, division_code = $5, founded_on = $6, \
         elected_on = $7, term_years = $8, term_due = $9, project = $10, ends_on = $11, updated_at = $12 WHERE id = $13")
        .bind(&f.code).bind(&f.name).bind(f.level).bind(f.category).bind(&f.division_code).bind(f.founded_on)
        .bind(f.elected_on).bind(f.term_years).bind(f.term_due).bind(&f.project).bind(f.ends_on).bind(clock::now()).bind(id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    match before {
        Some(b) if b.level != f.level => relevel(tx, &b.path).await,
        _ => Ok(()),
    }
}

pub async fn by_id(tx: &mut Tx, id: i64) -> Result<Option<OrgRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM orgs WHERE id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, OrgRow>(&sql).bind(id).fetch_optional(c).await)?)
}

pub async fn by_code(tx: &mut Tx, code: &str) -> Result<Option<OrgRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM orgs WHERE code = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, OrgRow>(&sql).bind(code).fetch_optional(c).await)?)
}

/// Orgs of exactly this name within the subtree at `path`, a few at most, in tree order.
pub async fn named_within(
    tx: &mut Tx,
    name: &str,
    path: &str,
    limit: i64,
) -> Result<Vec<OrgRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM orgs WHERE name = $1 AND path >= $2 AND path < $3 ORDER BY path LIMIT $4"
    );
    let up = upper(path);
    Ok(on!(tx, c => sqlx::query_as::<_, OrgRow>(&sql)
        .bind(name).bind(path).bind(&up).bind(limit).fetch_all(c).await)?)
}

pub async fn by_ids(tx: &mut Tx, ids: &[i64]) -> Result<Vec<OrgRow>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM orgs WHERE id IN ({}) ORDER BY path",
        in_list(1, ids.len())
    );
    Ok(on!(tx, c => {
        let mut q = sqlx::query_as::<_, OrgRow>(&sql);
        for id in ids {
            q = q.bind(id);
        }
        q.fetch_all(c).await
    })?)
}

/// (id, code, name) of the given orgs, for labelling lists.
pub async fn names(tx: &mut Tx, ids: &[i64]) -> Result<Vec<(i64, String, String)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id, code, name FROM orgs WHERE id IN ({})",
        in_list(1, ids.len())
    );
    Ok(on!(tx, c => {
        let mut q = sqlx::query_as::<_, (i64, String, String)>(&sql);
        for id in ids {
            q = q.bind(id);
        }
        q.fetch_all(c).await
    })?)
}

/// Direct children of `parent`, or the roots when `None`, in code order.
pub async fn children(tx: &mut Tx, parent: Option<i64>) -> Result<Vec<OrgRow>, StoreError> {
    Ok(match parent {
        Some(p) => {
            let sql = format!("SELECT {COLUMNS} FROM orgs WHERE parent_id = $1 ORDER BY code");
            on!(tx, c => sqlx::query_as::<_, OrgRow>(&sql).bind(p).fetch_all(c).await)?
        }
        None => {
            let sql = format!("SELECT {COLUMNS} FROM orgs WHERE parent_id IS NULL ORDER BY code");
            on!(tx, c => sqlx::query_as::<_, OrgRow>(&sql).fetch_all(c).await)?
        }
    })
}

/// The regional community committee sitting at a community's division code.
pub async fn community_at(tx: &mut Tx, division: &str) -> Result<Option<OrgRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM orgs WHERE division_code = $1 AND level = 'community' AND category = 'regional' ORDER BY id LIMIT 1"
    );
    Ok(on!(tx, c => sqlx::query_as::<_, OrgRow>(&sql).bind(division).fetch_optional(c).await)?)
}

pub async fn child_count(tx: &mut Tx, id: i64) -> Result<i64, StoreError> {
    Ok(
        on!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM orgs WHERE parent_id = $1").bind(id).fetch_one(c).await)?,
    )
}

/// Filters for listing a subtree.
#[derive(Debug, Clone, Default)]
pub struct OrgFilter {
    pub level: Option<OrgLevel>,
    pub category: Option<OrgCategory>,
    /// Matches a part of the name, or the whole code.
    pub text: Option<String>,
    pub term_due_before: Option<NaiveDate>,
}

/// Orgs within the subtree at `path` (itself included), in tree order, one page at a time.
pub async fn in_subtree(
    tx: &mut Tx,
    path: &str,
    filter: &OrgFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<OrgRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM orgs WHERE path >= $1 AND path < $2 \
         AND ($3 IS NULL OR level = $3) AND ($4 IS NULL OR category = $4) \
         AND ($5 IS NULL OR name LIKE '%' || $5 || '%' OR code = $5) AND ($6 IS NULL OR term_due < $6) \
         ORDER BY path LIMIT $7 OFFSET $8"
    );
    let up = upper(path);
    Ok(on!(tx, c => sqlx::query_as::<_, OrgRow>(&sql)
        .bind(path).bind(&up).bind(filter.level).bind(filter.category).bind(&filter.text).bind(filter.term_due_before)
        .bind(limit).bind(offset).fetch_all(c).await)?)
}

/// The same filters over the whole tree.
pub async fn all(
    tx: &mut Tx,
    filter: &OrgFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<OrgRow>, StoreError> {
    in_subtree(tx, "/", filter, limit, offset).await
}

/// Adds `delta` members to the org at `path` (directly) and to each of its ancestors' subtree totals.
pub async fn add_members(tx: &mut Tx, path: &str, delta: i64) -> Result<(), StoreError> {
    let ids = OrgPath(path.to_string()).ids();
    let Some(own) = ids.last().copied() else {
        return Ok(());
    };
    on!(tx, c => sqlx::query("UPDATE orgs SET member_count = member_count + $1 WHERE id = $2")
        .bind(delta).bind(own).execute(c).await.map(|r| r.rows_affected()))?;
    shift_subtree_totals(tx, &ids, delta).await
}

async fn shift_subtree_totals(tx: &mut Tx, ids: &[i64], delta: i64) -> Result<(), StoreError> {
    if ids.is_empty() || delta == 0 {
        return Ok(());
    }
    let sql = format!(
        "UPDATE orgs SET subtree_member_count = subtree_member_count + $1 WHERE id IN ({})",
        in_list(2, ids.len())
    );
    on!(tx, c => {
        let mut q = sqlx::query(&sql).bind(delta);
        for id in ids {
            q = q.bind(id);
        }
        q.execute(c).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Moves `org` and its whole subtree under `new_parent`: paths of orgs and their members are
/// rewritten in two set-based updates, and the subtree's members leave the old ancestors'
/// totals for the new ones'.
pub async fn move_subtree(
    tx: &mut Tx,
    org: &OrgRow,
    new_parent: &OrgRow,
) -> Result<(), StoreError> {
    let old = org.path.clone();
    let new = OrgPath(new_parent.path.clone()).child(org.id).0;
    let up = upper(&old);
    let old_len = old.len() as i64;
    on!(tx, c => sqlx::query("UPDATE orgs SET path = $1 || substr(path, CAST($2 AS INTEGER)) WHERE path >= $3 AND path < $4")
        .bind(&new).bind(old_len + 1).bind(&old).bind(&up).execute(c).await.map(|r| r.rows_affected()))?;
    on!(tx, c => sqlx::query("UPDATE members SET org_path = $1 || substr(org_path, CAST($2 AS INTEGER)) WHERE org_path >= $3 AND org_path < $4")
        .bind(&new).bind(old_len + 1).bind(&old).bind(&up).execute(c).await.map(|r| r.rows_affected()))?;
    on!(tx, c => sqlx::query("UPDATE meetings SET org_path = $1 || substr(org_path, CAST($2 AS INTEGER)) WHERE org_path >= $3 AND org_path < $4")
        .bind(&new).bind(old_len + 1).bind(&old).bind(&up).execute(c).await.map(|r| r.rows_affected()))?;
    on!(tx, c => sqlx::query("UPDATE meeting_absences SET org_path = $1 || substr(org_path, CAST($2 AS INTEGER)) WHERE org_path >= $3 AND org_path < $4")
        .bind(&new).bind(old_len + 1).bind(&old).bind(&up).execute(c).await.map(|r| r.rows_affected()))?;
    // Cases keep their community's path, street and district: the desk filters on them.
    on!(tx, c => sqlx::query("UPDATE cases SET org_path = $1 || substr(org_path, CAST($2 AS INTEGER)) WHERE org_path >= $3 AND org_path < $4")
        .bind(&new).bind(old_len + 1).bind(&old).bind(&up).execute(c).await.map(|r| r.rows_affected()))?;
    // The records that carry the path of the org they hang under: what the policies read.
    for (table, col) in [
        ("agreements", "org_path"),
        ("positions", "org_path"),
        ("position_standards", "org_path"),
        ("wishes", "community_path"),
        ("residents", "community_path"),
        ("needs", "community_path"),
        ("resources", "community_path"),
        ("projects", "community_path"),
        ("errands", "community_path"),
        ("problems", "community_path"),
        ("volunteers", "org_path"),
        ("volunteer_teams", "org_path"),
        ("activities", "org_path"),
        ("no_show_policies", "org_path"),
        ("rooms", "org_path"),
        ("bookings", "org_path"),
    ] {
        let sql = format!(
            "UPDATE {table} SET {col} = $1 || substr({col}, CAST($2 AS INTEGER)) WHERE {col} >= $3 AND {col} < $4"
        );
        on!(tx, c => sqlx::query(&sql)
            .bind(&new).bind(old_len + 1).bind(&old).bind(&up).execute(c).await.map(|r| r.rows_affected()))?;
    }
    crate::evaluations::pairs::moved(tx, &old, &new).await?;
    on!(tx, c => sqlx::query("UPDATE orgs SET parent_id = $1, updated_at = $2 WHERE id = $3")
        .bind(new_parent.id).bind(clock::now()).bind(org.id).execute(c).await.map(|r| r.rows_affected()))?;
    relevel(tx, &new).await?;
    let old_ancestors = OrgPath(old).ids();
    let new_ancestors = OrgPath(new_parent.path.clone()).ids();
    shift_subtree_totals(
        tx,
        &old_ancestors[..old_ancestors.len() - 1],
        -org.subtree_member_count,
    )
    .await?;
    shift_subtree_totals(tx, &new_ancestors, org.subtree_member_count).await
}

pub async fn delete(tx: &mut Tx, id: i64) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("DELETE FROM committee_seats WHERE org_id = $1").bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    on!(tx, c => sqlx::query("DELETE FROM org_levels WHERE org_id = $1").bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    on!(tx, c => sqlx::query("DELETE FROM orgs WHERE id = $1").bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Recomputes every org's counts from the members table, after a bulk load.
pub async fn recount(tx: &mut Tx) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query(
        "UPDATE orgs SET member_count = (SELECT COUNT(*) FROM members m WHERE m.org_id = orgs.id)").execute(c).await.map(|r| r.rows_affected()))?;
    on!(tx, c => sqlx::query(
        "UPDATE orgs SET subtree_member_count = (SELECT CAST(SUM(s.member_count) AS BIGINT) FROM orgs s \
         WHERE s.path >= orgs.path AND s.path < substr(orgs.path, 1, length(orgs.path) - 1) || '0')").execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn count(tx: &mut Tx) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM orgs").fetch_one(c).await)?)
}

pub async fn max_id(tx: &mut Tx) -> Result<i64, StoreError> {
    let v: Option<i64> =
        on!(tx, c => sqlx::query_scalar("SELECT MAX(id) FROM orgs").fetch_one(c).await)?;
    Ok(v.unwrap_or(0))
}

/// How many orgs have no parent: one for a city's tree.
pub async fn roots(tx: &mut Tx) -> Result<i64, StoreError> {
    Ok(
        on!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM orgs WHERE parent_id IS NULL").fetch_one(c).await)?,
    )
}

/// The district, street and community at or above the org `id`.
pub async fn levels_of(
    tx: &mut Tx,
    id: i64,
) -> Result<(Option<i64>, Option<i64>, Option<i64>), StoreError> {
    Ok(
        on!(tx, c => sqlx::query_as::<_, (Option<i64>, Option<i64>, Option<i64>)>(
        "SELECT district_org_id, street_org_id, community_org_id FROM org_levels WHERE org_id = $1")
        .bind(id).fetch_optional(c).await)?
        .unwrap_or_default(),
    )
}
