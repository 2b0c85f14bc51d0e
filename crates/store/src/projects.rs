//! 项目清单 records: projects, the needs they meet and what they draw on resources.

use crate::db::on;
use crate::keyset::{Args, Scope, fetch};
use crate::{StoreError, Tx};
use chrono::NaiveDate;
use jiceng_domain::clock;
use jiceng_domain::projects::ProjectStatus;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProjectRow {
    pub id: i64,
    pub community_org_id: i64,
    pub community_name: String,
    pub community_path: String,
    pub street_org_id: Option<i64>,
    pub district_org_id: Option<i64>,
    pub title: String,
    pub owner_name: String,
    pub owner_unit_id: Option<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub status: ProjectStatus,
    pub outcome: Option<String>,
    pub done_on: Option<NaiveDate>,
    pub year: i64,
    pub created_by: String,
}

const SELECT: &str = "SELECT p.id, p.community_org_id, c.name AS community_name, p.community_path, p.street_org_id, \
     p.district_org_id, p.title, p.owner_name, p.owner_unit_id, p.starts_on, p.ends_on, p.status, p.outcome, p.done_on, \
     p.year, p.created_by FROM projects p JOIN orgs c ON c.id = p.community_org_id";

pub struct NewProject<'a> {
    pub community_org_id: i64,
    pub community_path: &'a str,
    pub title: &'a str,
    pub owner_name: &'a str,
    pub owner_unit_id: Option<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub by: &'a str,
}

pub async fn insert(tx: &mut Tx, p: &NewProject<'_>) -> Result<i64, StoreError> {
    let sql = format!(
        "INSERT INTO projects (community_org_id, community_path, title, owner_name, owner_unit_id, starts_on, ends_on, \
         status, year, created_by, created_at, district_org_id, street_org_id) VALUES ($1, $2, $3, $4, $5, $6, $7, \
         'planned', $8, $9, $10, {}) RETURNING id",
        crate::orgs::levels_of_community("$1")
    );
    use chrono::Datelike;
    Ok(on!(tx, c => sqlx::query_scalar(&sql)
        .bind(p.community_org_id).bind(p.community_path).bind(p.title).bind(p.owner_name).bind(p.owner_unit_id)
        .bind(p.starts_on).bind(p.ends_on).bind(i64::from(p.starts_on.year())).bind(p.by).bind(clock::now())
        .fetch_one(c).await)?)
}

pub async fn by_id(tx: &mut Tx, id: i64) -> Result<Option<ProjectRow>, StoreError> {
    let sql = format!("{SELECT} WHERE p.id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, ProjectRow>(&sql).bind(id).fetch_optional(c).await)?)
}

pub async fn add_need(tx: &mut Tx, project: i64, need: i64) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("INSERT INTO project_needs (project_id, need_id) VALUES ($1, $2)")
        .bind(project).bind(need).execute(c).await.map(|_| ()))?;
    Ok(())
}

pub async fn add_resource(
    tx: &mut Tx,
    project: i64,
    resource: i64,
    amount: i64,
) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("INSERT INTO project_resources (project_id, resource_id, amount) VALUES ($1, $2, $3)")
        .bind(project).bind(resource).bind(amount).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// A need a project meets, as its page lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NeedOf {
    pub project_id: i64,
    pub need_id: i64,
    pub title: String,
    pub status: jiceng_domain::needs::NeedStatus,
    pub rating: Option<i64>,
}

/// The needs of a page of projects, in one read (by project and need).
pub async fn needs_of(tx: &mut Tx, projects: &[i64]) -> Result<Vec<NeedOf>, StoreError> {
    if projects.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT pn.project_id, pn.need_id, n.title, n.status, n.rating FROM project_needs pn \
         JOIN needs n ON n.id = pn.need_id WHERE pn.project_id IN ({}) ORDER BY pn.project_id, pn.need_id",
        crate::in_list(1, projects.len())
    );
    Ok(on!(tx, c => {
        let mut q = sqlx::query_as::<_, NeedOf>(&sql);
        for id in projects {
            q = q.bind(id);
        }
        q.fetch_all(c).await
    })?)
}

/// What a page of projects draws, in one read: (project, resource, title, owner, amount,
/// measure), by project and resource.
pub type DrawnRow = (i64, i64, String, String, i64, String);

pub async fn resources_of(tx: &mut Tx, projects: &[i64]) -> Result<Vec<DrawnRow>, StoreError> {
    if projects.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT pr.project_id, r.id, r.title, r.owner_name, pr.amount, r.measure FROM project_resources pr \
         JOIN resources r ON r.id = pr.resource_id WHERE pr.project_id IN ({}) ORDER BY pr.project_id, r.id",
        crate::in_list(1, projects.len())
    );
    Ok(on!(tx, c => {
        let mut q = sqlx::query_as::<_, DrawnRow>(&sql);
        for id in projects {
            q = q.bind(id);
        }
        q.fetch_all(c).await
    })?)
}

/// The project meeting a need, if any.
pub async fn of_need(tx: &mut Tx, need: i64) -> Result<Option<i64>, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "SELECT pn.project_id FROM project_needs pn JOIN projects p ON p.id = pn.project_id \
         WHERE pn.need_id = $1 ORDER BY pn.project_id DESC LIMIT 1")
        .bind(need).fetch_optional(c).await)?)
}

pub async fn set_state(
    tx: &mut Tx,
    id: i64,
    from: ProjectStatus,
    to: ProjectStatus,
    outcome: Option<&str>,
    done_on: Option<NaiveDate>,
) -> Result<u64, StoreError> {
    Ok(on!(tx, c => sqlx::query(
        "UPDATE projects SET status = $1, outcome = COALESCE($2, outcome), done_on = COALESCE($3, done_on) \
         WHERE id = $4 AND status = $5")
        .bind(to).bind(outcome).bind(done_on).bind(id).bind(from)
        .execute(c).await.map(|r| r.rows_affected()))?)
}

/// Projects of a scope, newest first.
pub async fn within(
    tx: &mut Tx,
    scope: &Scope,
    status: Option<ProjectStatus>,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<ProjectRow>, StoreError> {
    let mut a = Args::default();
    let mut wh: Vec<String> = a
        .scope_with("p.", "p.community_path", scope)
        .into_iter()
        .collect();
    if let Some(s) = status {
        wh.push(format!("p.status = {}", a.text(s.code())));
    }
    if let Some(id) = after {
        wh.push(format!("p.id < {}", a.int(id)));
    }
    if wh.is_empty() {
        wh.push("1 = 1".into());
    }
    let sql = format!(
        "{SELECT} WHERE {} ORDER BY p.id DESC LIMIT {limit}",
        wh.join(" AND ")
    );
    fetch(tx, &sql, &a).await
}

/// Counts a resource as used by `orgs` in a year (once; projects dropped do not count).
pub async fn count_use(
    tx: &mut Tx,
    orgs: &[i64],
    year: i64,
    resource: i64,
) -> Result<(), StoreError> {
    for org in orgs {
        on!(tx, c => sqlx::query(
            "INSERT INTO resource_uses (org_id, year, resource_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(org).bind(year).bind(resource).execute(c).await.map(|_| ()))?;
    }
    Ok(())
}

/// A dropped project's resources count as used no more, by its community, street, district
/// and the city that year, unless another project there, not dropped, draws on them.
pub async fn uncount_uses(tx: &mut Tx, project: i64) -> Result<(), StoreError> {
    for level in [
        Some("community_org_id"),
        Some("street_org_id"),
        Some("district_org_id"),
        None,
    ] {
        let (org, same) = match level {
            Some(col) => (col.to_string(), format!("p.{col} = resource_uses.org_id")),
            None => ("0".to_string(), "1 = 1".to_string()),
        };
        let sql = format!(
            "DELETE FROM resource_uses WHERE resource_id IN (SELECT resource_id FROM project_resources WHERE project_id = $1) \
             AND year = (SELECT year FROM projects WHERE id = $1) AND org_id = (SELECT {org} FROM projects WHERE id = $1) \
             AND NOT EXISTS (SELECT 1 FROM project_resources pr JOIN projects p ON p.id = pr.project_id \
             WHERE pr.resource_id = resource_uses.resource_id AND p.year = resource_uses.year AND p.status <> 'dropped' AND {same})"
        );
        on!(tx, c => sqlx::query(&sql).bind(project).execute(c).await.map(|_| ()))?;
    }
    Ok(())
}

/// Resources used by an org's projects in a year.
pub async fn uses(tx: &mut Tx, org: i64, year: i64) -> Result<i64, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM resource_uses WHERE org_id = $1 AND year = $2")
        .bind(org).bind(year).fetch_one(c).await)?)
}

/// Rebuilds the resources used per org and year, and each resource's `used`, from the
/// projects: after projects were written in bulk.
pub async fn recount(tx: &mut Tx) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("DELETE FROM resource_uses").execute(c).await.map(|_| ()))?;
    for level in [
        "p.community_org_id",
        "p.street_org_id",
        "p.district_org_id",
        "0",
    ] {
        let filter = if level == "0" {
            "1 = 1".to_string()
        } else {
            format!("{level} IS NOT NULL")
        };
        let sql = format!(
            "INSERT INTO resource_uses (org_id, year, resource_id) SELECT DISTINCT {level}, p.year, pr.resource_id \
             FROM project_resources pr JOIN projects p ON p.id = pr.project_id WHERE p.status <> 'dropped' AND {filter}"
        );
        on!(tx, c => sqlx::query(&sql).execute(c).await.map(|_| ()))?;
    }
    on!(tx, c => sqlx::query(
        "UPDATE resources SET used = COALESCE((SELECT SUM(pr.amount) FROM project_resources pr \
         JOIN projects p ON p.id = pr.project_id WHERE pr.resource_id = resources.id AND p.status <> 'dropped'), 0)")
        .execute(c).await.map(|_| ()))?;
    Ok(())
}
