//! The quarterly matching meeting (服务项目对接专题会): a scope's open needs, each with its
//! best suggestions, a page at a time; the matches the meeting accepts become projects in one
//! step — one project a need, drawing on the resource accepted for it — all or none.

use super::{Suggestion, kept_for};
use crate::input::opt;
use crate::needs::Need;
use crate::projects::{self, DrawInput, NewProjectInput, Project};
use crate::{Actor, OpsError};
use chrono::Datelike;
use jiceng_domain::needs::NeedStatus;
use jiceng_domain::orglife::Period;
use jiceng_domain::{Invalid, clock, msg};
use jiceng_store::Db;
use jiceng_store::needs::{self as needs_store, Filter};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgendaQuery {
    /// A community, street or district code within the actor's scope; the actor's scope by
    /// default.
    pub within: Option<String>,
    /// The quarter, `2026-Q4`; this quarter by default.
    pub quarter: Option<String>,
    /// The `next` of the page before.
    pub after: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MatchingItem {
    pub need: Need,
    pub suggestions: Vec<Suggestion>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MatchingAgenda {
    pub quarter: String,
    pub items: Vec<MatchingItem>,
    pub next: Option<String>,
}

/// Needs a page of the agenda holds.
const PAGE: i64 = 30;

fn quarter_of(raw: Option<&str>) -> Result<Period, Invalid> {
    match raw {
        Some(q) => match Period::parse(q)? {
            p @ Period::Quarter(..) => Ok(p),
            _ => Err(Invalid::new("quarter", q, msg!("应为季度，如 2026-Q4"))),
        },
        None => {
            let t = clock::today();
            Ok(Period::Quarter(t.year(), (t.month() - 1) / 3 + 1))
        }
    }
}

/// The open needs of a scope posted by the quarter's end, newest first, with their
/// suggestions.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "matching_agenda"))]
pub async fn agenda(db: &Db, actor: &Actor, q: AgendaQuery) -> Result<MatchingAgenda, OpsError> {
    let quarter = quarter_of(opt(&q.quarter))?;
    let after = crate::input::after_id(&q.after)?;
    let mut tx = db.read().await?;
    let scope = crate::orgs::list_scope(&mut tx, actor, &q.within).await?;
    let filter = Filter {
        status: Some(NeedStatus::Open),
        top_category: None,
    };
    let last_day = quarter.last_day();
    let mut rows = Vec::new();
    let mut at = after;
    // Needs posted after the quarter are skipped (a later quarter's meeting takes them).
    loop {
        let page = needs_store::within(&mut tx, &scope, &filter, at, PAGE + 1).await?;
        let full = page.len() as i64 > PAGE;
        at = page.last().map(|r| r.id);
        rows.extend(page.into_iter().filter(|r| r.posted_on <= last_day));
        if rows.len() as i64 > PAGE || !full {
            break;
        }
    }
    let more = rows.len() as i64 > PAGE;
    rows.truncate(PAGE as usize);
    let next = if more {
        rows.last().map(|r| r.id.to_string())
    } else {
        None
    };
    let mut items = Vec::new();
    for r in rows {
        let need = crate::needs::policy::shown(actor, Need::from(r));
        let suggestions = kept_for(&mut tx, actor, need.id).await?;
        items.push(MatchingItem { need, suggestions });
    }
    Ok(MatchingAgenda {
        quarter: quarter.to_string(),
        items,
        next,
    })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct Match {
    pub need_id: i64,
    pub resource_id: i64,
    /// What the project draws on the resource: the need's people (at most what is left) by
    /// default.
    pub amount: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AcceptInput {
    #[serde(default)]
    pub matches: Vec<Match>,
    /// When the projects start and are due: today and in 30 days by default.
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
}

/// The matches the meeting accepts, each made a project; all or none.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "accept_matches"))]
pub async fn accept(db: &Db, actor: &Actor, input: AcceptInput) -> Result<Vec<Project>, OpsError> {
    if input.matches.is_empty() {
        return Err(Invalid::new("matches", "", msg!("至少选择一对需求与资源")).into());
    }
    let today = clock::today();
    let starts = opt(&input.starts_on)
        .map(str::to_string)
        .unwrap_or_else(|| today.to_string());
    let ends = opt(&input.ends_on)
        .map(str::to_string)
        .unwrap_or_else(|| (today + chrono::Days::new(30)).to_string());
    let mut tx = db.write().await?;
    let mut ids = Vec::new();
    for m in &input.matches {
        let need = crate::needs::policy::resolve(&mut tx, actor, m.need_id)
            .await
            .map_err(|_| Invalid::new("need_id", m.need_id, msg!("没有这条需求")))?;
        let resource = crate::resources::policy::resolve(&mut tx, actor, m.resource_id)
            .await
            .map_err(|_| Invalid::new("resource_id", m.resource_id, msg!("没有这项资源")))?;
        let left = resource.capacity - resource.used;
        let amount = m.amount.unwrap_or_else(|| need.people.min(left).max(1));
        let id = projects::create_in(
            &mut tx,
            actor,
            NewProjectInput {
                title: Some(need.title.clone()),
                owner: None,
                needs: vec![need.id],
                resources: vec![DrawInput {
                    resource_id: resource.id,
                    amount,
                }],
                starts_on: Some(starts.clone()),
                ends_on: Some(ends.clone()),
            },
        )
        .await?;
        ids.push(id);
    }
    let mut out = Vec::new();
    for id in ids {
        out.push(projects::policy::resolve(&mut tx, actor, id).await?);
    }
    tx.commit().await?;
    Ok(out)
}
