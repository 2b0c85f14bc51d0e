//! Reading cases: one case with its steps, lists by scope and filter, a department's inbox,
//! and the public tracking view by code, which shows no personal data.

use super::photos::Photo;
use super::policy;
use crate::orgs::by_code;
use crate::{Actor, OpsError, Page};
use chrono::{DateTime, Utc};
use jiceng_domain::cases::{Action, CaseStatus, Satisfaction, StepAction, Warning, warning};
use jiceng_domain::clock;
use jiceng_domain::{Invalid, keyset};
use jiceng_domain::{msg, phone, text};
use jiceng_store::cases::{self as store, CaseFilter, CaseRow, InboxTab};
use jiceng_store::{Db, audit};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseView {
    #[serde(flatten)]
    pub row: Case,
    pub status_label: &'static str,
    /// While the case is open with a deadline.
    pub warning: Option<Warning>,
    /// Whether the reporter's name and phone are masked.
    pub masked: bool,
}

/// A case's reporter as shown: the name's first character and the phone's first three and
/// last four digits, like a member's phone; the full view is a deliberate, audited reveal.
pub(crate) fn masked(row: CaseRow) -> Case {
    let mut c = Case::from(row);
    c.reporter_name = c.reporter_name.map(|n| text::mask_name(&n));
    c.reporter_phone = c.reporter_phone.map(|p| phone::mask(&p));
    c
}

/// A case as listed: the reporter masked.
pub(crate) fn view(row: CaseRow, warn_share: f64) -> CaseView {
    view_of(masked(row), warn_share, true)
}

fn view_of(row: Case, warn_share: f64, masked: bool) -> CaseView {
    let warning = match (row.status, row.dispatched_at, row.due_at) {
        (s, Some(from), Some(due)) if s.is_open() => Some(warning(
            from.naive_utc(),
            due.naive_utc(),
            clock::now().naive_utc(),
            warn_share,
        )),
        _ => None,
    };
    CaseView {
        status_label: row.status.label(),
        warning,
        row,
        masked,
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseDetail {
    pub case: CaseView,
    pub steps: Vec<Step>,
    pub summons: Vec<Summons>,
    /// The moves this actor may make on the case now, by their codes.
    pub moves: Vec<&'static str>,
    /// May this actor ask for the reporter's full name and phone.
    pub may_reveal: bool,
    /// The photos of its steps, in the order they were taken.
    pub photos: Vec<Photo>,
    /// The reporter lets them show on the public tracking page.
    pub photos_public: bool,
}

/// One case with its steps and summons. `reveal` shows the reporter's full name and phone to
/// an actor allowed to see personal data, and records that it did.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "show"))]
pub async fn show(db: &Db, actor: &Actor, id: i64, reveal: bool) -> Result<CaseDetail, OpsError> {
    let mut tx = if reveal {
        db.write().await?
    } else {
        db.read().await?
    };
    let c = store::by_id(&mut tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("案件", id))?;
    let summons = store::summons(&mut tx, id).await?;
    policy::reach(actor, &c, &summons)?;
    if reveal && !actor.may_reveal() {
        return Err(OpsError::Forbidden(msg!("查看报告人的完整姓名和电话")));
    }
    let steps = store::steps(&mut tx, id).await?;
    let photos = super::photos::of_case(&mut tx, id).await?;
    let photos_public = store::photos::public(&mut tx, id).await?;
    let classification = super::settings::classification_in(&mut tx).await?;
    let state = super::moves::state_of(&c);
    let moves = policy::moves(actor, &c, &state, classification.max_extensions, &summons)
        .into_iter()
        .map(Action::code)
        .collect();
    if reveal {
        audit::append(
            &mut tx,
            audit::Entry {
                actor: &actor.audit_name(),
                operation: "case.reveal",
                target: &format!("case:{id}"),
                path: Some(&c.org_path),
                before: None,
                after: None,
            },
        )
        .await?;
    }
    tx.commit().await?;
    let has_reporter = c.reporter_name.is_some() || c.reporter_phone.is_some();
    let case = if reveal {
        view_of(c.into(), classification.warn_share, false)
    } else {
        view(c, classification.warn_share)
    };
    Ok(CaseDetail {
        case,
        steps: steps.into_iter().map(Into::into).collect(),
        summons: summons.into_iter().map(Into::into).collect(),
        moves,
        may_reveal: has_reporter && actor.may_reveal(),
        photos,
        photos_public,
    })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
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
    /// Part of a title, code or address, searched within the received dates (the last
    /// three months unless `from` and `to` say otherwise, a year at most).
    pub q: Option<String>,
    /// The `next` of the page before.
    pub after: Option<String>,
    /// Rows a page, 50 unless asked (1–500).
    pub limit: Option<i64>,
}

/// A search by text looks back this many days unless dates are given…
const SEARCH_DAYS: i64 = 92;
/// …and never over more than this, so it reads a bounded stretch of the scope's cases.
const SEARCH_MAX_DAYS: i64 = 366;

fn day_start(field: &'static str, raw: &Option<String>) -> Result<Option<DateTime<Utc>>, OpsError> {
    Ok(crate::input::opt_date(field, raw)?.map(clock::start_of))
}

/// Cases within a scope, newest first, by keyset (the manual queue is a filter of its own).
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "list"))]
pub async fn list(db: &Db, actor: &Actor, q: ListCases) -> Result<Page<CaseView>, OpsError> {
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let after = keyset::read(crate::input::opt(&q.after))?;
    let mut tx = db.read().await?;
    let path = match crate::input::opt(&q.within) {
        Some(code) => {
            crate::orgs::policy::named(&mut tx, actor, "within", code)
                .await?
                .path
        }
        None => actor.scope_path().to_string(),
    };
    actor.may_read(&path)?;
    let statuses = match crate::input::opt(&q.status) {
        Some(s) => {
            let mut v = s
                .split(',')
                .map(|x| CaseStatus::parse(x).map(|s| s.code().to_string()))
                .collect::<Result<Vec<_>, _>>()?;
            v.sort();
            v.dedup();
            v
        }
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
        Some(code) => Some(by_code(&mut tx, actor, "street", code).await?.id),
        None => None,
    };
    let grid = match crate::input::opt(&q.grid) {
        Some(code) => {
            let g = crate::grids::policy::named(&mut tx, actor, "grid", code)
                .await?
                .0;
            Some((g.id, g.community_org_id))
        }
        None => None,
    };
    let text = crate::input::opt(&q.q).map(str::to_string);
    let mut from = day_start("from", &q.from)?;
    let mut to = day_start("to", &q.to)?.map(|t| t + chrono::Duration::days(1));
    if text.is_some() {
        let end = to.unwrap_or_else(|| clock::start_of(clock::today()) + chrono::Duration::days(1));
        let start = from.unwrap_or(end - chrono::Duration::days(SEARCH_DAYS));
        if end - start > chrono::Duration::days(SEARCH_MAX_DAYS) {
            return Err(Invalid::new(
                "from",
                q.from.clone().unwrap_or_default(),
                msg!("按文字搜索时，受理日期的范围不能超过一年"),
            )
            .into());
        }
        (from, to) = (Some(start), Some(end));
    }
    let f = CaseFilter {
        scope: crate::orgs::scope_of(&mut tx, &path).await?,
        statuses,
        department_id,
        street_org_id,
        grid,
        category_top: crate::input::opt(&q.category).map(str::to_string),
        from,
        to,
        late: q.late,
        reworked: q.reworked,
        returned: q.returned,
        unsatisfied: q.unsatisfied,
        manual_queue: q.manual,
        text,
    };
    let share = super::settings::classification_in(&mut tx)
        .await?
        .warn_share;
    let rows = store::list(&mut tx, &f, after, limit + 1).await?;
    Ok(Page::keyset(
        rows,
        limit,
        |r| (r.received_at, r.id),
        |r| view(r, share),
    ))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// `open` (the default): what is still to do, soonest due first; `all`: every case held
    /// or summoned to, newest first.
    pub tab: Option<String>,
    /// The `next` of the page before.
    pub after: Option<String>,
    /// Rows a page, 50 unless asked (1–500).
    pub limit: Option<i64>,
}

/// The most summonses [`summons_to_report`] counts.
pub const SUMMONS_COUNTED: i64 = 200;

/// The report deadlines of the whistles that summoned the actor's department and wait for its
/// report, within its scope, soonest first (one more than [`SUMMONS_COUNTED`] at most, which
/// says there are more).
pub async fn summons_to_report(db: &Db, actor: &Actor) -> Result<Vec<DateTime<Utc>>, OpsError> {
    let Some(d) = actor.department_id() else {
        return Err(OpsError::Forbidden(msg!("只有部门办理人有部门待办")));
    };
    let mut tx = db.read().await?;
    let scope = crate::orgs::scope_of(&mut tx, actor.scope_path()).await?;
    Ok(store::summons_to_report(&mut tx, d, &scope, SUMMONS_COUNTED + 1).await?)
}

/// The actor's department inbox: cases dispatched to it and whistles that summoned it.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "inbox"))]
pub async fn inbox(db: &Db, actor: &Actor, q: InboxQuery) -> Result<Page<CaseView>, OpsError> {
    let Some(d) = actor.department_id() else {
        return Err(OpsError::Forbidden(msg!("只有部门办理人有部门待办")));
    };
    let tab = match crate::input::opt(&q.tab) {
        None | Some("open") => InboxTab::Open,
        Some("all") => InboxTab::All,
        Some(other) => {
            return Err(Invalid::new("tab", other, msg!("应为 open（待办）或 all（全部）")).into());
        }
    };
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let after = keyset::read(crate::input::opt(&q.after))?;
    let mut tx = db.read().await?;
    let share = super::settings::classification_in(&mut tx)
        .await?
        .warn_share;
    let scope = crate::orgs::scope_of(&mut tx, actor.scope_path()).await?;
    let rows = store::inbox(&mut tx, d, &scope, tab, after, limit + 1).await?;
    Ok(Page::keyset(
        rows,
        limit,
        |r| (r.sort_at, r.case.id),
        |r| view(r.case, share),
    ))
}

/// What a resident sees by tracking code: status and steps, no names or phones.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Tracking {
    pub code: String,
    pub title: String,
    pub status: CaseStatus,
    pub status_label: &'static str,
    pub received_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub satisfaction: Option<Satisfaction>,
    pub steps: Vec<TrackedStep>,
    /// The photos of what was reported and of the work done, when the reporter lets them show
    /// here; fetched by the tracking code.
    pub photos: Vec<super::photos::PublicPhoto>,
}

/// One step as the public tracking page shows it: what was done, when, and by which
/// department, with no one's name.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrackedStep {
    pub action: StepAction,
    pub at: DateTime<Utc>,
    pub department: Option<String>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "track"))]
pub async fn track(db: &Db, code: &str, from: &str) -> Result<Tracking, OpsError> {
    let c = super::public::by_code(db, code, from, "code", || OpsError::not_found("案件", code))
        .await?;
    let mut tx = db.read().await?;
    let steps = store::steps(&mut tx, c.id)
        .await?
        .into_iter()
        .map(|s| TrackedStep {
            action: s.action,
            at: s.at,
            department: s.department_name,
        })
        .collect();
    let photos = super::photos::public_of(&mut tx, c.id).await?;
    Ok(Tracking {
        status_label: c.status.label(),
        code: c.code,
        title: c.title,
        status: c.status,
        received_at: c.received_at,
        closed_at: c.closed_at,
        satisfaction: c.satisfaction,
        steps,
        photos,
    })
}

/// A case as stored: its facts and its current state.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Case {
    pub id: i64,
    pub code: String,
    pub channel: jiceng_domain::cases::Channel,
    pub category: Option<String>,
    pub category_top: Option<String>,
    pub urgency: jiceng_domain::cases::Urgency,
    pub status: jiceng_domain::cases::CaseStatus,
    pub title: String,
    pub description: Option<String>,
    pub address: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub routed: jiceng_domain::cases::Routing,
    pub grid_id: Option<i64>,
    pub community_org_id: Option<i64>,
    pub street_org_id: Option<i64>,
    pub org_path: String,
    pub reporter_name: Option<String>,
    pub reporter_phone: Option<String>,
    pub department_id: Option<i64>,
    pub received_at: chrono::DateTime<chrono::Utc>,
    pub registered_at: Option<chrono::DateTime<chrono::Utc>>,
    pub dispatched_at: Option<chrono::DateTime<chrono::Utc>>,
    pub response_due_at: Option<chrono::DateTime<chrono::Utc>>,
    pub responded_at: Option<chrono::DateTime<chrono::Utc>>,
    pub due_at: Option<chrono::DateTime<chrono::Utc>>,
    pub feedback_at: Option<chrono::DateTime<chrono::Utc>>,
    pub closed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub extensions: i64,
    pub extension_pending: bool,
    pub supervision: Option<jiceng_domain::cases::Supervision>,
    pub suspended_from: Option<jiceng_domain::cases::CaseStatus>,
    pub satisfaction: Option<jiceng_domain::cases::Satisfaction>,
    pub reworks: i64,
    pub returns: i64,
    pub duplicate_of: Option<i64>,
    pub created_by: String,
    /// The reporter's rating secret: in the answer to an intake only, for the receipt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rating_secret: Option<String>,
}

impl From<jiceng_store::cases::CaseRow> for Case {
    fn from(r: jiceng_store::cases::CaseRow) -> Self {
        Case {
            id: r.id,
            code: r.code,
            channel: r.channel,
            category: r.category,
            category_top: r.category_top,
            urgency: r.urgency,
            status: r.status,
            title: r.title,
            description: r.description,
            address: r.address,
            lon: r.lon,
            lat: r.lat,
            routed: r.routed,
            grid_id: r.grid_id,
            community_org_id: r.community_org_id,
            street_org_id: r.street_org_id,
            org_path: r.org_path,
            reporter_name: r.reporter_name,
            reporter_phone: r.reporter_phone,
            department_id: r.department_id,
            received_at: r.received_at,
            registered_at: r.registered_at,
            dispatched_at: r.dispatched_at,
            response_due_at: r.response_due_at,
            responded_at: r.responded_at,
            due_at: r.due_at,
            feedback_at: r.feedback_at,
            closed_at: r.closed_at,
            extensions: r.extensions,
            extension_pending: r.extension_pending,
            supervision: r.supervision,
            suspended_from: r.suspended_from,
            satisfaction: r.satisfaction,
            reworks: r.reworks,
            returns: r.returns,
            duplicate_of: r.duplicate_of,
            created_by: r.created_by,
            rating_secret: None,
        }
    }
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Step {
    pub id: i64,
    pub action: jiceng_domain::cases::StepAction,
    pub actor: String,
    pub at: chrono::DateTime<chrono::Utc>,
    pub note: Option<String>,
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
}

impl From<jiceng_store::cases::StepRow> for Step {
    fn from(r: jiceng_store::cases::StepRow) -> Self {
        Step {
            id: r.id,
            action: r.action,
            actor: r.actor,
            at: r.at,
            note: r.note,
            department_id: r.department_id,
            department_name: r.department_name,
        }
    }
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Summons {
    pub department_id: i64,
    pub department_name: String,
    pub summoned_at: chrono::DateTime<chrono::Utc>,
    pub due_at: chrono::DateTime<chrono::Utc>,
    pub reported_at: Option<chrono::DateTime<chrono::Utc>>,
    pub reported_by: Option<String>,
}

impl From<jiceng_store::cases::SummonsRow> for Summons {
    fn from(r: jiceng_store::cases::SummonsRow) -> Self {
        Summons {
            department_id: r.department_id,
            department_name: r.department_name,
            summoned_at: r.summoned_at,
            due_at: r.due_at,
            reported_at: r.reported_at,
            reported_by: r.reported_by,
        }
    }
}
