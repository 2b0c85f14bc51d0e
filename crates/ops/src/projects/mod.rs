//! 项目清单: a community's writers meet open needs with resources in a project (`create.rs`,
//! also from the matching meeting), and run it (`moves.rs`): started, finished (its needs are
//! met, and counted so), or dropped (its needs open again, its resources are given back).
//! The residents' ratings of its needs are its rating.

mod create;
mod moves;
pub mod policy;

pub(crate) use create::create_in;
pub use create::{DrawInput, NewProjectInput, create};
pub use moves::{ProjectMoveInput, apply};

use crate::input::opt;
use crate::{Actor, OpsError, Page};
use chrono::NaiveDate;
use jiceng_domain::projects::ProjectStatus;
use jiceng_store::projects::{self as store, ProjectRow};
use jiceng_store::{Db, Tx};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProjectNeed {
    pub id: i64,
    pub title: String,
    pub status: jiceng_domain::needs::NeedStatus,
    pub rating: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Drawn {
    pub resource_id: i64,
    pub title: String,
    pub owner_name: String,
    pub amount: i64,
    pub measure: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Project {
    pub id: i64,
    pub community_org_id: i64,
    pub community_name: String,
    #[serde(skip)]
    pub community_path: String,
    pub title: String,
    pub owner_name: String,
    pub owner_unit_id: Option<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub status: ProjectStatus,
    pub outcome: Option<String>,
    pub done_on: Option<NaiveDate>,
    pub needs: Vec<ProjectNeed>,
    pub resources: Vec<Drawn>,
    /// The residents' average rating of its needs, 1–5, and how many rated.
    pub rating: Option<f64>,
    pub ratings: i64,
    pub offers: Vec<&'static str>,
}

/// A page of projects with their needs, resources and rating, in two reads.
pub(crate) async fn filled(tx: &mut Tx, rows: Vec<ProjectRow>) -> Result<Vec<Project>, OpsError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut needs: HashMap<i64, Vec<ProjectNeed>> = HashMap::new();
    for n in store::needs_of(tx, &ids).await? {
        needs.entry(n.project_id).or_default().push(ProjectNeed {
            id: n.need_id,
            title: n.title,
            status: n.status,
            rating: n.rating,
        });
    }
    let mut drawn: HashMap<i64, Vec<Drawn>> = HashMap::new();
    for (project, resource_id, title, owner_name, amount, measure) in
        store::resources_of(tx, &ids).await?
    {
        drawn.entry(project).or_default().push(Drawn {
            resource_id,
            title,
            owner_name,
            amount,
            measure,
        });
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let needs = needs.remove(&r.id).unwrap_or_default();
            // The residents' ratings of its needs.
            let rated: Vec<i64> = needs.iter().filter_map(|n| n.rating).collect();
            Project {
                id: r.id,
                community_org_id: r.community_org_id,
                community_name: r.community_name,
                community_path: r.community_path,
                title: r.title,
                owner_name: r.owner_name,
                owner_unit_id: r.owner_unit_id,
                starts_on: r.starts_on,
                ends_on: r.ends_on,
                status: r.status,
                outcome: r.outcome,
                done_on: r.done_on,
                resources: drawn.remove(&r.id).unwrap_or_default(),
                rating: (!rated.is_empty())
                    .then(|| rated.iter().sum::<i64>() as f64 / rated.len() as f64),
                ratings: rated.len() as i64,
                needs,
                offers: Vec::new(),
            }
        })
        .collect())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListProjects {
    pub within: Option<String>,
    /// planned, under_way, done or dropped; every status by default.
    pub status: Option<String>,
    pub after: Option<String>,
    pub limit: Option<i64>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "projects"))]
pub async fn list(db: &Db, actor: &Actor, q: ListProjects) -> Result<Page<Project>, OpsError> {
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    let status = opt(&q.status).map(ProjectStatus::parse).transpose()?;
    let after = crate::input::after_id(&q.after)?;
    let mut tx = db.read().await?;
    let scope = crate::orgs::list_scope(&mut tx, actor, &q.within).await?;
    let rows = store::within(&mut tx, &scope, status, after, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    let mut items = filled(&mut tx, rows.into_iter().take(limit as usize).collect()).await?;
    for p in &mut items {
        p.offers = policy::offers(actor, p);
    }
    let next = if more {
        items.last().map(|p: &Project| p.id.to_string())
    } else {
        None
    };
    Ok(Page {
        items,
        total: None,
        next,
    })
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "project"))]
pub async fn show(db: &Db, actor: &Actor, id: i64) -> Result<Project, OpsError> {
    let mut tx = db.read().await?;
    policy::resolve(&mut tx, actor, id).await
}
