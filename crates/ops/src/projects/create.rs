//! A project made from open needs of one community and what it draws on resources. Every need
//! must be open and the actor's to manage; every amount at most what its resource has left;
//! an owner and a schedule are required. All or nothing, in one transaction.

use super::{Project, policy};
use crate::input::{opt, opt_date, required};
use crate::{Actor, OpsError};
use jiceng_domain::needs::NeedStatus;
use jiceng_domain::projects;
use jiceng_domain::{Invalid, msg, text};
use jiceng_store::needs::{self as needs_store, Change};
use jiceng_store::projects::{self as store, NewProject};
use jiceng_store::{Db, Tx, audit};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DrawInput {
    pub resource_id: i64,
    pub amount: i64,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewProjectInput {
    pub title: Option<String>,
    /// Who answers for it; the first resource's owner by default.
    pub owner: Option<String>,
    /// The open needs it meets, all of one community.
    #[serde(default)]
    pub needs: Vec<i64>,
    /// What it draws on each resource.
    #[serde(default)]
    pub resources: Vec<DrawInput>,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "create_project"))]
pub async fn create(db: &Db, actor: &Actor, input: NewProjectInput) -> Result<Project, OpsError> {
    let mut tx = db.write().await?;
    let id = create_in(&mut tx, actor, input).await?;
    let p = policy::resolve(&mut tx, actor, id).await?;
    tx.commit().await?;
    Ok(p)
}

/// Makes the project within the caller's transaction; its id.
pub(crate) async fn create_in(
    tx: &mut Tx,
    actor: &Actor,
    input: NewProjectInput,
) -> Result<i64, OpsError> {
    let title = text::name("title", required("title", &input.title)?, 60)?;
    let (starts_on, ends_on) = projects::schedule(
        opt_date("starts_on", &input.starts_on)?,
        opt_date("ends_on", &input.ends_on)?,
    )?;
    if input.needs.is_empty() {
        return Err(Invalid::new("needs", "", msg!("至少选择一条需求")).into());
    }
    let mut needs = Vec::new();
    for id in &input.needs {
        let n = crate::needs::policy::resolve(tx, actor, *id)
            .await
            .map_err(|_| Invalid::new("needs", id, msg!("没有这条需求")))?;
        if n.status != NeedStatus::Open {
            return Err(
                Invalid::new("needs", id, msg!("需求 #{id} 不是待对接状态", id = id)).into(),
            );
        }
        if needs
            .iter()
            .any(|m: &crate::needs::Need| m.community_org_id != n.community_org_id)
        {
            return Err(Invalid::new("needs", id, msg!("一个项目的需求须属同一社区")).into());
        }
        if needs.iter().any(|m: &crate::needs::Need| m.id == n.id) {
            return Err(Invalid::new("needs", id, msg!("重复的需求")).into());
        }
        needs.push(n);
    }
    let community = (needs[0].community_org_id, needs[0].community_path.clone());
    policy::may_manage(actor, &community.1)?;
    let mut drawn = Vec::new();
    for d in &input.resources {
        let r = crate::resources::policy::resolve(tx, actor, d.resource_id)
            .await
            .map_err(|_| Invalid::new("resources", d.resource_id, msg!("没有这项资源")))?;
        if r.status != jiceng_domain::resources::ResourceStatus::Active {
            return Err(Invalid::new("resources", d.resource_id, msg!("资源已撤回")).into());
        }
        if drawn
            .iter()
            .any(|(x, _): &(crate::resources::Resource, i64)| x.id == r.id)
        {
            return Err(Invalid::new("resources", d.resource_id, msg!("重复的资源")).into());
        }
        let amount = projects::draw(d.amount, r.capacity - r.used)?;
        drawn.push((r, amount));
    }
    let owner = match opt(&input.owner) {
        Some(o) => text::name("owner", o, 40)?,
        None => drawn
            .first()
            .map(|(r, _)| r.owner_name.clone())
            .ok_or_else(|| Invalid::new("owner", "", msg!("必填：项目须有责任方")))?,
    };
    let owner_unit = drawn
        .first()
        .and_then(|(r, _)| r.unit_id)
        .filter(|_| opt(&input.owner).is_none());
    let id = store::insert(
        tx,
        &NewProject {
            community_org_id: community.0,
            community_path: &community.1,
            title: &title,
            owner_name: &owner,
            owner_unit_id: owner_unit,
            starts_on,
            ends_on,
            by: &actor.audit_name(),
        },
    )
    .await?;
    for n in &needs {
        store::add_need(tx, id, n.id).await?;
        let moved = needs_store::set_state(
            tx,
            n.id,
            NeedStatus::Open,
            &Change {
                status: NeedStatus::InProject,
                merged_into: None,
                met_by: None,
                met_on: None,
                outcome: None,
                reviewed_by: None,
            },
        )
        .await?;
        if moved == 0 {
            return Err(OpsError::conflict(
                "needs",
                n.id,
                msg!("需求已被他人处理，请刷新"),
            ));
        }
        crate::matching::rescore(tx, n.id, NeedStatus::InProject).await?;
    }
    let row = store::by_id(tx, id).await?.expect("just written");
    if let Some(unit) = owner_unit {
        crate::cobuilding::link_unit(tx, unit, row.year).await?;
    }
    let orgs: Vec<i64> = [
        Some(row.community_org_id),
        row.street_org_id,
        row.district_org_id,
        Some(0),
    ]
    .into_iter()
    .flatten()
    .collect();
    for (r, amount) in &drawn {
        store::add_resource(tx, id, r.id, *amount).await?;
        if jiceng_store::resources::draw(tx, r.id, *amount).await? == 0 {
            return Err(OpsError::conflict(
                "amount",
                amount,
                msg!("资源“{title}”余量不足，请刷新", title = r.title.clone()),
            ));
        }
        store::count_use(tx, &orgs, row.year, r.id).await?;
    }
    audit::append(
        tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "project.create",
            target: &format!("project:{id}"),
            path: Some(&community.1),
            before: None,
            after: Some(format!(
                "{{\"needs\":{:?},\"resources\":{:?}}}",
                input.needs,
                drawn.iter().map(|(r, a)| (r.id, *a)).collect::<Vec<_>>()
            )),
        },
    )
    .await?;
    Ok(id)
}
