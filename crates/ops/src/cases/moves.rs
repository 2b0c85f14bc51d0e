//! The moves of a case after intake. Each checks who may make it, asks the domain's state
//! machine whether it is legal, records the step, updates the deadlines and the counts behind
//! the rates, and writes the audit entry, all in one transaction.

use super::departments;
use super::intake::route;
use super::views::Case;
use super::{policy, settings, stats};
use crate::input::opt;
use crate::{Actor, OpsError};
use chrono::Duration;
use jiceng_domain::cases::{
    self as domain, Action, Routing, Satisfaction, State, Supervision, Urgency,
};
use jiceng_domain::clock;
use jiceng_domain::{Invalid, msg, text};
use jiceng_store::cases::{self as store, CaseRow, Delta};
use jiceng_store::{Db, audit};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Move {
    /// register, dispatch, accept, report, return, request_extension, approve_extension,
    /// reject_extension, supervise, feedback, verify, rework, follow_up, suspend, resume,
    /// invalid, duplicate.
    pub action: Option<String>,
    pub note: Option<String>,
    /// register: the 小类, urgency, and (for the manual queue) the community's code.
    pub category: Option<String>,
    pub urgency: Option<String>,
    pub community: Option<String>,
    /// dispatch: one department's code, or several to blow the whistle (吹哨); none to have
    /// the community handle it itself.
    #[serde(default)]
    pub departments: Vec<String>,
    /// supervise: yellow or red.
    pub level: Option<String>,
    /// follow_up: satisfied, basic or unsatisfied.
    pub satisfaction: Option<String>,
    /// duplicate: the code of the case this repeats.
    pub duplicate_of: Option<String>,
}

fn action_of(m: &Move) -> Result<Action, Invalid> {
    let raw = crate::input::required("action", &m.action)?;
    Ok(match raw.trim() {
        "register" => Action::Register,
        "dispatch" => Action::Dispatch,
        "accept" => Action::Accept,
        "report" => Action::Report,
        "return" => Action::Return,
        "request_extension" => Action::RequestExtension,
        "approve_extension" => Action::DecideExtension { approve: true },
        "reject_extension" => Action::DecideExtension { approve: false },
        "supervise" => Action::Supervise(Supervision::parse(crate::input::required(
            "level", &m.level,
        )?)?),
        "feedback" => Action::Feedback,
        "verify" => Action::Verify { fixed: true },
        "rework" => Action::Verify { fixed: false },
        "follow_up" => Action::FollowUp(Satisfaction::parse(crate::input::required(
            "satisfaction",
            &m.satisfaction,
        )?)?),
        "suspend" => Action::Suspend,
        "resume" => Action::Resume,
        "invalid" => Action::Invalid,
        "duplicate" => Action::Duplicate,
        other => {
            return Err(Invalid::new("action", other, msg!("没有这种办理操作")));
        }
    })
}

/// A stored case's state, as the state machine sees it.
pub(crate) fn state_of(c: &CaseRow) -> State {
    State {
        status: c.status,
        suspended_from: c.suspended_from,
        extension_pending: c.extension_pending,
        extensions: c.extensions as u32,
        supervision: c.supervision,
        satisfaction: c.satisfaction,
    }
}

/// Makes one move on case `id`; returns the case as it now stands, its reporter masked.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "apply"))]
pub async fn apply(db: &Db, actor: &Actor, id: i64, m: Move) -> Result<Case, OpsError> {
    make(db, By::Actor(actor), id, m)
        .await
        .map(super::views::masked)
}

/// The reporter rates a closed case (回访) by its tracking code and their phone's last four
/// digits; no account needed.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "rate_as_reporter"))]
pub async fn rate_as_reporter(
    db: &Db,
    code: &str,
    phone_tail: &str,
    satisfaction: &str,
) -> Result<Case, OpsError> {
    let c = store::by_code(&mut db.read().await?, code.trim())
        .await?
        .ok_or_else(|| OpsError::not_found("案件", code))?;
    let tail = phone_tail.trim();
    let matches = tail.len() == 4
        && c.reporter_phone
            .as_deref()
            .is_some_and(|p| p.ends_with(tail));
    if !matches {
        return Err(Invalid::new("phone", tail, msg!("与登记的联系电话不符")).into());
    }
    let m = Move {
        action: Some("follow_up".into()),
        satisfaction: Some(satisfaction.into()),
        ..Move::default()
    };
    make(db, By::Reporter(format!("reporter:{}", c.code)), c.id, m)
        .await
        .map(super::views::masked)
}

/// Who makes a move: a signed-in actor, or the reporter (who may only rate).
enum By<'a> {
    Actor(&'a Actor),
    Reporter(String),
}

impl By<'_> {
    fn check(&self, rule: impl Fn(&Actor) -> Result<(), OpsError>) -> Result<(), OpsError> {
        match self {
            By::Actor(a) => rule(a),
            By::Reporter(_) => Err(OpsError::Forbidden(msg!("超出您的管理范围"))),
        }
    }

    fn name(&self) -> String {
        match self {
            By::Actor(a) => a.audit_name(),
            By::Reporter(n) => n.clone(),
        }
    }
}

async fn make(db: &Db, by_whom: By<'_>, id: i64, m: Move) -> Result<CaseRow, OpsError> {
    let action = action_of(&m)?;
    let note = opt(&m.note)
        .map(|n| text::long("note", n, 2000))
        .transpose()?;
    let mut tx = db.write().await?;
    let before = store::by_id(&mut tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("案件", id))?;
    let classification = settings::classification_in(&mut tx).await?;
    let calendar = settings::calendar_in(&mut tx).await?;
    let state = state_of(&before);
    let after_state = domain::next(&state, action, classification.max_extensions)?;
    // Only a report reads the summons; the reporter may only rate.
    let summons = match action {
        Action::Report => store::summons(&mut tx, id).await?,
        _ => Vec::new(),
    };
    if !matches!((&by_whom, action), (By::Reporter(_), Action::FollowUp(_))) {
        by_whom.check(|a| policy::may_make(a, action, &before, &summons))?;
    }
    let mut c = before.clone();
    let now = clock::now();
    let mut step_department = None;
    match action {
        Action::Register => {
            let category = opt(&m.category).or(before.category.as_deref());
            let Some(category) = category else {
                return Err(Invalid::new("category", "", msg!("立案须选择案件类别")).into());
            };
            let (leaf, top) = classification.leaf(category)?;
            (c.category, c.category_top) = (Some(leaf.code.clone()), Some(top.code.clone()));
            if let Some(u) = opt(&m.urgency) {
                c.urgency = Urgency::parse(u)?;
            }
            if c.routed == Routing::Manual {
                let Some(code) = opt(&m.community) else {
                    return Err(Invalid::new(
                        "community",
                        "",
                        msg!("待人工分拨的案件须指定所属社区"),
                    )
                    .into());
                };
                let r = route(&mut tx, None, Some(code)).await?;
                by_whom.check(|a| a.may_write(&r.path))?;
                (c.community_org_id, c.street_org_id, c.org_path) =
                    (r.community_org_id, r.street_org_id, r.path);
                c.routed = Routing::Address;
            }
            c.registered_at = Some(now);
        }
        Action::Dispatch => {
            let mut targets = Vec::new();
            for code in m
                .departments
                .iter()
                .map(|d| d.trim())
                .filter(|d| !d.is_empty())
            {
                let d = departments::by_code(&mut tx, "departments", code).await?;
                if !targets
                    .iter()
                    .any(|t: &jiceng_store::cases::DepartmentRow| t.id == d.id)
                {
                    targets.push(d);
                }
            }
            c.department_id = targets.first().map(|d| d.id);
            if targets.len() > 1 {
                let due = now + Duration::minutes(i64::from(classification.report_minutes));
                for d in &targets {
                    store::summon(&mut tx, c.id, d.id, now, due)
                        .await
                        .map_err(|e| match e {
                            jiceng_store::StoreError::Duplicate(_) => OpsError::conflict(
                                "departments",
                                &d.code,
                                msg!("该部门已被吹哨召集"),
                            ),
                            e => e.into(),
                        })?;
                }
            }
            step_department = c.department_id;
            let limit =
                classification.limit_for(c.category.as_deref().unwrap_or_default(), c.urgency)?;
            c.due_at = Some(clock::from_local(domain::deadline(
                &calendar,
                clock::local(now),
                limit,
                c.extensions as u32,
            )));
            c.response_due_at =
                Some(now + Duration::minutes(i64::from(classification.response_minutes)));
            c.dispatched_at = Some(now);
            c.responded_at = None;
        }
        Action::Report => {
            let d = match &by_whom {
                By::Actor(a) => a.department_id(),
                By::Reporter(_) => None,
            };
            let Some(d) = d else {
                return Err(OpsError::Forbidden(msg!("只有被召集部门的办理人可以报到")));
            };
            if !store::report(&mut tx, c.id, d, now, &by_whom.name()).await? {
                return Err(OpsError::conflict(
                    "action",
                    "report",
                    msg!("本部门未被召集或已经报到"),
                ));
            }
            step_department = Some(d);
        }
        Action::Accept => {
            c.responded_at = Some(now);
            step_department = c.department_id;
        }
        Action::Return => {
            step_department = c.department_id;
            c.returns += 1;
            c.department_id = None;
        }
        Action::RequestExtension => {
            if note.is_none() {
                return Err(Invalid::new("note", "", msg!("申请延期须写明理由")).into());
            }
            step_department = c.department_id;
        }
        Action::DecideExtension { approve } => {
            if approve {
                let limit = classification
                    .limit_for(c.category.as_deref().unwrap_or_default(), c.urgency)?;
                let from = clock::local(c.dispatched_at.unwrap_or(now));
                c.due_at = Some(clock::from_local(domain::deadline(
                    &calendar,
                    from,
                    limit,
                    after_state.extensions,
                )));
            }
        }
        Action::Supervise(_) => {}
        Action::Feedback => {
            if note.is_none() {
                return Err(Invalid::new("note", "", msg!("处置反馈须写明处理情况")).into());
            }
            c.feedback_at = Some(now);
            step_department = c.department_id;
        }
        Action::Verify { fixed } => {
            if fixed {
                c.closed_at = Some(now);
            } else {
                c.reworks += 1;
            }
        }
        Action::FollowUp(_) => {}
        Action::Suspend | Action::Resume | Action::Invalid => {}
        Action::Duplicate => {
            let code = crate::input::required("duplicate_of", &m.duplicate_of)?;
            let first = store::by_code(&mut tx, code.trim())
                .await?
                .filter(|f| f.id != c.id)
                .ok_or_else(|| Invalid::new("duplicate_of", code, msg!("没有这个案件编号")))?;
            c.duplicate_of = Some(first.id);
        }
    }
    c.status = after_state.status;
    c.suspended_from = after_state.suspended_from;
    c.extension_pending = after_state.extension_pending;
    c.extensions = i64::from(after_state.extensions);
    c.supervision = after_state.supervision;
    c.satisfaction = after_state.satisfaction;
    store::save(&mut tx, &c).await?;
    let by = by_whom.name();
    store::add_step(
        &mut tx,
        c.id,
        action.code(),
        &by,
        now,
        note.as_deref(),
        step_department,
    )
    .await?;
    let (delta, department) = stats::accounting(action, &before, &c, step_department, now);
    if delta != Delta::default() {
        let at = CaseRow {
            department_id: department,
            ..c.clone()
        };
        stats::bump(&mut tx, &at, delta).await?;
    }
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &by,
            operation: &format!("case.{}", action.code()),
            target: &format!("case:{}", c.id),
            path: Some(&c.org_path),
            before: serde_json::to_string(&before).ok(),
            after: serde_json::to_string(&c).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(c)
}
