//! Reading cases: one case with its steps, lists by scope and filter, a department's inbox,
//! and the public tracking view by code, which shows no personal data.

use crate::orgs::by_code;
use crate::{Actor, OpsError, Page};
use chrono::{DateTime, Utc};
use jiceng_domain::cases::{CaseStatus, Warning, warning};
use jiceng_domain::{Role, msg};
use jiceng_store::Db;
use jiceng_store::cases::{self as store, CaseFilter, CaseRow, StepRow, SummonsRow};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    #[serde(flatten)]
    pub row: CaseRow,
    pub status_label: &'static str,
    /// on_time, due_soon or overdue while the case is open with a deadline.
    pub warning: Option<&'static str>,
}

pub fn view(row: CaseRow, warn_share: f64) -> CaseView {
    let status = CaseStatus::parse(&row.status).ok();
    let warning = match (status, row.dispatched_at, row.due_at) {
        (Some(s), Some(from), Some(due)) if s.is_open() => Some(
            match warning(
                from.naive_utc(),
                due.naive_utc(),
                Utc::now().naive_utc(),
                warn_share,
            ) {
                Warning::OnTime => "on_time",
                Warning::DueSoon => "due_soon",
                Warning::Overdue => "overdue",
            },
        ),
        _ => None,
    };
    CaseView {
        status_label: status.map_or("", CaseStatus::label),
        warning,
        row,
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseDetail {
    pub case: CaseView,
    pub steps: Vec<StepRow>,
    pub summons: Vec<SummonsRow>,
}

/// May the actor see this case: within their scope, or their department has or was
/// summoned to it.
fn may_see(actor: &Actor, c: &CaseRow, summoned: &[SummonsRow]) -> Result<(), OpsError> {
    if let Some(d) = actor.department_id()
        && (c.department_id == Some(d) || summoned.iter().any(|s| s.department_id == d))
    {
        return Ok(());
    }
    match actor {
        Actor::User(u)
            if u.role == Role::GridWorker
                && c.org_path != "/"
                && u.scope_path.starts_with(&c.org_path) =>
        {
            Ok(())
        }
        _ => actor.may_read(&c.org_path),
    }
}

pub async fn show(db: &Db, actor: &Actor, id: i64) -> Result<CaseDetail, OpsError> {
    let mut tx = db.read().await?;
    let c = store::by_id(&mut tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("案件", id))?;
    let summons = store::summons(&mut tx, id).await?;
    may_see(actor, &c, &summons)?;
    let steps = store::steps(&mut tx, id).await?;
    let share = super::settings::classification_in(&mut tx)
        .await?
        .warn_share;
    Ok(CaseDetail {
        case: view(c, share),
        steps,
        summons,
    })
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListCases {
    pub within: Option<String>,
    /// Comma-separated statuses.
    pub status: Option<String>,
    pub department: Option<String>,
    pub street: Option<String>,
    /// A grid's code.
    pub grid: Option<String>,
    pub category: Option<String>,
    /// Received from / before, as dates.
    pub from: Option<String>,
    pub to: Option<String>,
    #[serde(default)]
    pub late: bool,
    #[serde(default)]
    pub reworked: bool,
    #[serde(default)]
    pub returned: bool,
    #[serde(default)]
    pub unsatisfied: bool,
    /// Cases no grid or address placed, waiting for a dispatcher.
    #[serde(default)]
    pub manual: bool,
    pub q: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

fn day_start(field: &'static str, raw: &Option<String>) -> Result<Option<DateTime<Utc>>, OpsError> {
    Ok(crate::input::opt_date(field, raw)?.map(|d| {
        DateTime::from_naive_utc_and_offset(
            d.and_hms_opt(0, 0, 0).expect("midnight") - chrono::Duration::hours(8),
            Utc,
        )
    }))
}

/// Cases within a scope (the manual queue sits at the top, for deployment-wide dispatchers).
pub async fn list(db: &Db, actor: &Actor, q: ListCases) -> Result<Page<CaseView>, OpsError> {
    let per_page = q.per_page.unwrap_or(50).clamp(1, 500);
    let page = q.page.unwrap_or(1).max(1);
    let mut tx = db.read().await?;
    let path = match crate::input::opt(&q.within) {
        Some(code) => by_code(&mut tx, "within", code).await?.path,
        None => actor.scope_path().to_string(),
    };
    actor.may_read(&path)?;
    let statuses = match crate::input::opt(&q.status) {
        Some(s) => s
            .split(',')
            .map(|x| CaseStatus::parse(x).map(|s| s.code().to_string()))
            .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    let department_id = match crate::input::opt(&q.department) {
        Some(code) => Some(
            super::departments::by_code(&mut tx, "department", code)
                .await?
                .id,
        ),
        None => None,
    };
    let street_org_id = match crate::input::opt(&q.street) {
        Some(code) => Some(by_code(&mut tx, "street", code).await?.id),
        None => None,
    };
    let grid_id = match crate::input::opt(&q.grid) {
        Some(code) => Some(
            store::grid_by_code(&mut tx, code)
                .await?
                .ok_or_else(|| jiceng_domain::Invalid::new("grid", code, msg!("没有这个网格")))?
                .id,
        ),
        None => None,
    };
    let f = CaseFilter {
        path,
        statuses,
        department_id,
        street_org_id,
        grid_id,
        category_top: crate::input::opt(&q.category).map(str::to_string),
        from: day_start("from", &q.from)?,
        to: day_start("to", &q.to)?.map(|t| t + chrono::Duration::days(1)),
        late: q.late,
        reworked: q.reworked,
        returned: q.returned,
        unsatisfied: q.unsatisfied,
        manual_queue: q.manual,
        text: crate::input::opt(&q.q).map(str::to_string),
    };
    let share = super::settings::classification_in(&mut tx)
        .await?
        .warn_share;
    let rows = store::list(&mut tx, &f, per_page + 1, (page - 1) * per_page).await?;
    let rows: Vec<CaseView> = rows.into_iter().map(|r| view(r, share)).collect();
    Ok(Page::numbered(rows, page, per_page))
}

/// The actor's department inbox.
pub async fn inbox(
    db: &Db,
    actor: &Actor,
    page: i64,
    per_page: i64,
) -> Result<Page<CaseView>, OpsError> {
    let Some(d) = actor.department_id() else {
        return Err(OpsError::Forbidden(msg!("只有部门办理人有部门待办")));
    };
    let per_page = per_page.clamp(1, 500);
    let page = page.max(1);
    let mut tx = db.read().await?;
    let share = super::settings::classification_in(&mut tx)
        .await?
        .warn_share;
    let rows = store::inbox(&mut tx, d, per_page + 1, (page - 1) * per_page).await?;
    let rows: Vec<CaseView> = rows.into_iter().map(|r| view(r, share)).collect();
    Ok(Page::numbered(rows, page, per_page))
}

/// What a resident sees by tracking code: status and steps, no names or phones.
#[derive(Debug, Clone, Serialize)]
pub struct Tracking {
    pub code: String,
    pub title: String,
    pub status: String,
    pub status_label: &'static str,
    pub received_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub satisfaction: Option<String>,
    pub steps: Vec<(String, DateTime<Utc>, Option<String>)>,
}

pub async fn track(db: &Db, code: &str) -> Result<Tracking, OpsError> {
    let mut tx = db.read().await?;
    let c = store::by_code(&mut tx, code.trim())
        .await?
        .ok_or_else(|| OpsError::not_found("案件", code))?;
    let steps = store::steps(&mut tx, c.id)
        .await?
        .into_iter()
        .map(|s| (s.action, s.at, s.department_name))
        .collect();
    Ok(Tracking {
        status_label: CaseStatus::parse(&c.status).map_or("", CaseStatus::label),
        code: c.code,
        title: c.title,
        status: c.status,
        received_at: c.received_at,
        closed_at: c.closed_at,
        satisfaction: c.satisfaction,
        steps,
    })
}
