//! Running a project: started; finished with its outcome (its needs are met on that day, and
//! counted so); or dropped with the reason (its needs open again and are scored again, what
//! it drew goes back to its resources).

use super::{Project, policy};
use crate::input::{opt, required};
use crate::{Actor, OpsError};
use jiceng_domain::needs::{MetBy, NeedStatus};
use jiceng_domain::projects::{self, ProjectMove, ProjectStatus};
use jiceng_domain::{Invalid, clock, msg, text};
use jiceng_store::needs::{self as needs_store, Change};
use jiceng_store::projects as store;
use jiceng_store::{Db, audit};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ProjectMoveInput {
    /// start, finish or drop.
    #[serde(rename = "move")]
    pub action: Option<String>,
    /// finish: what was done; drop: why.
    pub note: Option<String>,
    /// finish: the day, today by default.
    pub on: Option<String>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "move_project"))]
pub async fn apply(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: ProjectMoveInput,
) -> Result<Project, OpsError> {
    let m = ProjectMove::parse(required("move", &input.action)?)?;
    let note = opt(&input.note)
        .map(|n| text::long("note", n, 1000))
        .transpose()?;
    let today = clock::today();
    let mut tx = db.write().await?;
    let before = policy::resolve(&mut tx, actor, id).await?;
    policy::may_manage(actor, &before.community_path)?;
    let to = projects::next(before.status, m)?;
    let mut done_on = None;
    if matches!(m, ProjectMove::Finish | ProjectMove::Drop) && note.is_none() {
        return Err(Invalid::new(
            "note",
            "",
            if m == ProjectMove::Finish {
                msg!("请写明办理结果")
            } else {
                msg!("请说明理由")
            },
        )
        .into());
    }
    if m == ProjectMove::Finish {
        let on = match opt(&input.on) {
            Some(raw) => text::past_date("on", raw, today)?,
            None => today,
        };
        let first_posted = {
            let mut earliest = on;
            for n in &before.needs {
                if let Some(row) = needs_store::by_id(&mut tx, n.id).await? {
                    earliest = earliest.min(row.posted_on);
                }
            }
            earliest
        };
        if on < first_posted {
            return Err(Invalid::new(
                "on",
                on,
                msg!("不能早于需求发布日期 {day}", day = first_posted),
            )
            .into());
        }
        done_on = Some(on);
    }
    if store::set_state(&mut tx, id, before.status, to, note.as_deref(), done_on).await? == 0 {
        return Err(OpsError::conflict(
            "move",
            m.code(),
            msg!("项目已被他人处理，请刷新"),
        ));
    }
    // What a dropped project drew is given back first, so its needs, open again, are scored
    // with it.
    if to == ProjectStatus::Dropped {
        for r in &before.resources {
            jiceng_store::resources::draw(&mut tx, r.resource_id, -r.amount).await?;
        }
        store::uncount_uses(&mut tx, id).await?;
    }
    for n in &before.needs {
        let change = match to {
            ProjectStatus::Done => Change {
                status: NeedStatus::Met,
                merged_into: None,
                met_by: Some(MetBy::Project),
                met_on: done_on,
                outcome: note.as_deref(),
                reviewed_by: None,
            },
            ProjectStatus::Dropped => Change {
                status: NeedStatus::Open,
                merged_into: None,
                met_by: None,
                met_on: None,
                outcome: None,
                reviewed_by: None,
            },
            _ => continue,
        };
        if needs_store::set_state(&mut tx, n.id, NeedStatus::InProject, &change).await? == 1 {
            let row = needs_store::by_id(&mut tx, n.id)
                .await?
                .expect("still there");
            if row.status == NeedStatus::Met {
                crate::needs::figures::count(&mut tx, &row, 0, 1).await?;
            }
            crate::matching::rescore(&mut tx, n.id, row.status).await?;
        }
    }
    let after = policy::resolve(&mut tx, actor, id).await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: &format!("project.{}", m.code()),
            target: &format!("project:{id}"),
            path: Some(&before.community_path),
            before: serde_json::to_string(&before).ok(),
            after: serde_json::to_string(&after).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
