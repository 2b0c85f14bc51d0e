//! 问题清单: matters a community raises for units and departments to coordinate, each with
//! who answers for it and by when. A problem turned into a case enters the case loop as a
//! case of its community (the link kept both ways); others are settled or closed.

pub mod policy;

use crate::input::{opt, opt_date, required};
use crate::{Actor, OpsError, Page};
use chrono::{Datelike, NaiveDate};
use jiceng_domain::problems::{self, ProblemMove, ProblemStatus};
use jiceng_domain::{Invalid, OrgCategory, OrgLevel, Role, clock, msg, text};
use jiceng_store::problems::{self as store, NewProblem, ProblemRow};
use jiceng_store::{Db, audit};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    pub id: i64,
    pub community_org_id: i64,
    pub community_name: String,
    #[serde(skip)]
    pub community_path: String,
    pub title: String,
    pub detail: Option<String>,
    /// Who answers for it (a unit or a department).
    pub owner_name: String,
    pub due_on: NaiveDate,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub status: ProblemStatus,
    pub case_id: Option<i64>,
    /// The case's tracking code.
    pub case_code: Option<String>,
    pub note: Option<String>,
    pub offers: Vec<&'static str>,
}

impl From<ProblemRow> for Problem {
    fn from(r: ProblemRow) -> Self {
        Problem {
            id: r.id,
            community_org_id: r.community_org_id,
            community_name: r.community_name,
            community_path: r.community_path,
            title: r.title,
            detail: r.detail,
            owner_name: r.owner_name,
            due_on: r.due_on,
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            status: r.status,
            case_id: r.case_id,
            case_code: r.case_code,
            note: r.note,
            offers: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewProblemInput {
    pub community: Option<String>,
    pub title: Option<String>,
    pub detail: Option<String>,
    /// Who answers for it.
    pub owner: Option<String>,
    /// By when, yyyy-mm-dd.
    pub due_on: Option<String>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "raise_problem"))]
pub async fn post(db: &Db, actor: &Actor, new: NewProblemInput) -> Result<Problem, OpsError> {
    let title = text::name("title", required("title", &new.title)?, 60)?;
    let detail = opt(&new.detail)
        .map(|d| text::long("detail", d, 1000))
        .transpose()?;
    let owner = text::name(
        "owner",
        opt(&new.owner).ok_or_else(|| Invalid::new("owner", "", msg!("必填：问题须有责任方")))?,
        40,
    )?;
    let due_on = opt_date("due_on", &new.due_on)?
        .ok_or_else(|| Invalid::new("due_on", "", msg!("必填：问题须有办结期限")))?;
    let mut tx = db.write().await?;
    let code = required("community", &new.community)?;
    let community = crate::orgs::anywhere(&mut tx, "community", code).await?;
    if community.level != OrgLevel::Community || community.category != OrgCategory::Regional {
        return Err(crate::orgs::not_a_community(actor, &community));
    }
    let unit_id = match actor.role() {
        Some(Role::UnitLiaison) => {
            crate::resources::policy::may_offer(&mut tx, actor, (community.id, &community.path))
                .await
                .map_err(|_| crate::orgs::unknown_community(code))?;
            actor.unit_id()
        }
        _ => {
            actor
                .may_write(&community.path)
                .map_err(|_| crate::orgs::unknown_community(code))?;
            None
        }
    };
    let id = store::insert(
        &mut tx,
        &NewProblem {
            community_org_id: community.id,
            community_path: &community.path,
            title: &title,
            detail: detail.as_deref(),
            owner_name: &owner,
            due_on,
            unit_id,
            year: i64::from(clock::today().year()),
            by: &actor.audit_name(),
        },
    )
    .await?;
    if let Some(unit) = unit_id {
        crate::cobuilding::link_unit(&mut tx, unit, i64::from(clock::today().year())).await?;
    }
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "problem.raise",
            target: &format!("problem:{id}"),
            path: Some(&community.path),
            before: None,
            after: Some(title),
        },
    )
    .await?;
    let p = policy::resolve(&mut tx, actor, id).await?;
    tx.commit().await?;
    Ok(p)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ProblemMoveInput {
    /// to_case, resolve or close.
    #[serde(rename = "move")]
    pub action: Option<String>,
    /// resolve and close: what came of it.
    pub note: Option<String>,
    /// to_case: a 小类 code of the case classification (else the case waits to be
    /// registered).
    pub category: Option<String>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "move_problem"))]
pub async fn apply(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: ProblemMoveInput,
) -> Result<Problem, OpsError> {
    let m = ProblemMove::parse(required("move", &input.action)?)?;
    let note = opt(&input.note)
        .map(|n| text::long("note", n, 1000))
        .transpose()?;
    if matches!(m, ProblemMove::Resolve | ProblemMove::Close) && note.is_none() {
        return Err(Invalid::new("note", "", msg!("请说明结果")).into());
    }
    // A case is checked before the write lock, as every intake is.
    let prepared = if m == ProblemMove::ToCase {
        let p = {
            let mut rx = db.read().await?;
            policy::resolve(&mut rx, actor, id).await?
        };
        policy::may_manage(actor, &p)?;
        problems::next(p.status, m)?;
        let community = {
            let mut rx = db.read().await?;
            jiceng_store::orgs::by_id(&mut rx, p.community_org_id)
                .await?
                .map(|o| o.code)
                .unwrap_or_default()
        };
        Some(
            crate::cases::intake::prepare(
                db,
                actor,
                crate::cases::intake::NewCase {
                    title: Some(p.title.clone()),
                    description: Some(format!(
                        "{}（问题清单 #{}，责任方：{}，期限 {}）",
                        p.detail.clone().unwrap_or_default(),
                        p.id,
                        p.owner_name,
                        p.due_on
                    )),
                    community: Some(community),
                    category: opt(&input.category).map(str::to_string),
                    ..Default::default()
                },
            )
            .await?,
        )
    } else {
        None
    };
    let mut tx = db.write().await?;
    let before = policy::resolve(&mut tx, actor, id).await?;
    policy::may_manage(actor, &before)?;
    let to = problems::next(before.status, m)?;
    let case_id = match prepared {
        Some(p) => {
            let mut written = crate::cases::photos::Written::default();
            let row = crate::cases::intake::write_in(&mut tx, vec![p], None, &mut written)
                .await?
                .pop()
                .expect("one result per case")?;
            written.keep();
            Some(row.id)
        }
        None => None,
    };
    if store::set_state(&mut tx, id, before.status, to, case_id, note.as_deref()).await? == 0 {
        return Err(OpsError::conflict(
            "move",
            m.code(),
            msg!("问题已被他人处理，请刷新"),
        ));
    }
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: &format!("problem.{}", m.code()),
            target: &format!("problem:{id}"),
            path: Some(&before.community_path),
            before: Some(before.status.code().to_string()),
            after: Some(to.code().to_string()),
        },
    )
    .await?;
    let after = policy::resolve(&mut tx, actor, id).await?;
    tx.commit().await?;
    Ok(after)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListProblems {
    pub within: Option<String>,
    pub status: Option<String>,
    pub after: Option<String>,
    pub limit: Option<i64>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "problems"))]
pub async fn list(db: &Db, actor: &Actor, q: ListProblems) -> Result<Page<Problem>, OpsError> {
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let status = opt(&q.status).map(ProblemStatus::parse).transpose()?;
    let after = crate::input::after_id(&q.after)?;
    let mut tx = db.read().await?;
    let scope = crate::orgs::list_scope(&mut tx, actor, &q.within).await?;
    let rows = store::within(&mut tx, &scope, status, after, limit + 1).await?;
    Ok(Page::after_last(
        rows,
        limit,
        |r| r.id.to_string(),
        |r| {
            let mut p = Problem::from(r);
            p.offers = policy::offers(actor, &p);
            p
        },
    ))
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "problem"))]
pub async fn show(db: &Db, actor: &Actor, id: i64) -> Result<Problem, OpsError> {
    let mut tx = db.read().await?;
    policy::resolve(&mut tx, actor, id).await
}
