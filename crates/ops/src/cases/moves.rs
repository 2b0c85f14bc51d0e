//! The moves of a case after intake, and what they share: [`make`] checks who may make the
//! move, asks the domain's state machine whether it is legal, hands the case to the move's own
//! rule (`register.rs`, `dispatch.rs` with the whistle, `handling.rs`, `extension.rs`,
//! `closing.rs`), and saves it with its step, the counts behind the rates and the audit entry,
//! all in one transaction.

use super::photos::{self, Shrunk, Upload};
use super::views::Case;
use super::{closing, dispatch, extension, handling, register};
use super::{policy, settings, stats};
use crate::input::opt;
use crate::{Actor, OpsError};
use chrono::{DateTime, Utc};
use jiceng_domain::cases::{
    self as domain, Action, Calendar, Classification, Satisfaction, State, Supervision,
};
use jiceng_domain::clock;
use jiceng_domain::{Invalid, Msg, msg, text};
use jiceng_store::cases::{self as store, CaseRow};
use jiceng_store::{Db, Tx, audit};
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
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
    make(db, By::Actor(actor), id, m, None)
        .await
        .map(super::views::masked)
}

/// Makes one move carrying photos (处置前/后 with 处置反馈, 核查 photos with 核查), kept under
/// `files` in the move's transaction: the move and its photos are written together or not
/// at all.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "apply"))]
pub async fn apply_with_photos(
    db: &Db,
    actor: &Actor,
    files: &Path,
    id: i64,
    m: Move,
    uploads: Vec<Upload>,
) -> Result<Case, OpsError> {
    let action = action_of(&m)?;
    // Photos are decoded only for a move this actor may make on the case as it stands (it is
    // checked again when the move is written).
    may_now(db, actor, id, action).await?;
    let shrunk = photos::prepare(Some(action), uploads).await?;
    make(db, By::Actor(actor), id, m, Some((files, shrunk)))
        .await
        .map(super::views::masked)
}

/// Whether the actor may make `action` on case `id` as it stands: the case in reach, the move
/// legal from its state and the actor's to make.
async fn may_now(db: &Db, actor: &Actor, id: i64, action: Action) -> Result<(), OpsError> {
    let mut rx = db.read().await?;
    let c = store::by_id(&mut rx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("案件", id))?;
    let summons = store::summons(&mut rx, id).await?;
    policy::reach(actor, &c, &summons)?;
    let max = settings::classification_in(&mut rx).await?.max_extensions;
    domain::next(&state_of(&c), action, max)?;
    policy::may_make(actor, action, &c, &summons)
}

/// The reporter rates a closed case (回访) by its tracking code and the rating secret given
/// at intake; no account needed, and wrong secrets soon make further tries wait.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "rate_as_reporter"))]
pub async fn rate_as_reporter(
    db: &Db,
    code: &str,
    secret: &str,
    satisfaction: &str,
    from: &str,
) -> Result<Case, OpsError> {
    // A code that does not exist answers like a wrong secret, so rating is no way to find
    // which codes exist.
    let c = super::public::by_code(db, code, from, "secret", super::rating::wrong).await?;
    super::rating::check(db, c.id, secret, from).await?;
    let m = Move {
        action: Some("follow_up".into()),
        satisfaction: Some(satisfaction.into()),
        ..Move::default()
    };
    make(
        db,
        By::Reporter(format!("reporter:{}", c.code)),
        c.id,
        m,
        None,
    )
    .await
    .map(super::views::masked)
}

/// Who makes a move: a signed-in actor, or the reporter (who may only rate).
pub(super) enum By<'a> {
    Actor(&'a Actor),
    Reporter(String),
}

impl By<'_> {
    pub(super) fn check(
        &self,
        rule: impl Fn(&Actor) -> Result<(), OpsError>,
    ) -> Result<(), OpsError> {
        match self {
            By::Actor(a) => rule(a),
            By::Reporter(_) => Err(OpsError::Forbidden(msg!("超出您的管理范围"))),
        }
    }

    pub(super) fn name(&self) -> String {
        match self {
            By::Actor(a) => a.audit_name(),
            By::Reporter(n) => n.clone(),
        }
    }
}

/// A move being made: the case as it was, the case as it becomes, and what the move's own
/// rule needs. Each move's file changes `c` (and may write beside it); [`make`] saves the
/// case with its step, counts and audit entry.
pub(super) struct Moving<'a> {
    pub tx: Tx,
    pub by: &'a By<'a>,
    pub before: CaseRow,
    pub c: CaseRow,
    pub now: DateTime<Utc>,
    pub classification: Classification,
    pub calendar: Calendar,
    /// The state the machine moves the case to.
    pub after: State,
    pub note: Option<String>,
    /// The departments a whistle summoned to the case, before the move and as it leaves
    /// them (a whistle adds to them).
    pub was_summoned: Vec<i64>,
    pub summoned: Vec<i64>,
}

impl Moving<'_> {
    /// The deadline of the case's category and urgency, counted from `from` with
    /// `extensions` granted.
    pub fn deadline_from(
        &self,
        from: DateTime<Utc>,
        extensions: u32,
    ) -> Result<DateTime<Utc>, OpsError> {
        let limit = self.classification.limit_for(
            self.c.category.as_deref().unwrap_or_default(),
            self.c.urgency,
        )?;
        Ok(clock::from_local(domain::deadline(
            &self.calendar,
            clock::local(from),
            limit,
            extensions,
        )))
    }

    /// A move that must say why.
    pub fn require_note(&self, why: Msg) -> Result<(), OpsError> {
        match self.note {
            Some(_) => Ok(()),
            None => Err(Invalid::new("note", "", why).into()),
        }
    }
}

/// Loads the case, asks the state machine and the policy, applies the move's own rule, and
/// saves the case with its step, counts and audit entry, all in one transaction.
async fn make(
    db: &Db,
    by_whom: By<'_>,
    id: i64,
    m: Move,
    pictures: Option<(&Path, Vec<Shrunk>)>,
) -> Result<CaseRow, OpsError> {
    let action = action_of(&m)?;
    let note = opt(&m.note)
        .map(|n| text::long("note", n, 2000))
        .transpose()?;
    let mut tx = db.write().await?;
    let before = store::by_id(&mut tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("案件", id))?;
    let summons = store::summons(&mut tx, id).await?;
    // A case the actor cannot see answers as missing before its state says anything.
    if let By::Actor(a) = &by_whom {
        policy::reach(a, &before, &summons)?;
    }
    let classification = settings::classification_in(&mut tx).await?;
    let calendar = settings::calendar_in(&mut tx).await?;
    let after = domain::next(&state_of(&before), action, classification.max_extensions)?;
    if !matches!((&by_whom, action), (By::Reporter(_), Action::FollowUp(_))) {
        by_whom.check(|a| policy::may_make(a, action, &before, &summons))?;
    }
    let was_summoned: Vec<i64> = summons.iter().map(|s| s.department_id).collect();
    let mut x = Moving {
        tx,
        by: &by_whom,
        c: before.clone(),
        before,
        now: clock::now(),
        classification,
        calendar,
        after,
        note,
        summoned: was_summoned.clone(),
        was_summoned,
    };
    // The department the step is recorded against, where the move has one.
    let step_department = match action {
        Action::Register => register::register(&mut x, &m).await?,
        Action::Dispatch => dispatch::dispatch(&mut x, &m.departments).await?,
        Action::Accept => handling::accept(&mut x),
        Action::Report => handling::report(&mut x).await?,
        Action::Return => handling::hand_back(&mut x),
        Action::Feedback => handling::feedback(&mut x)?,
        Action::RequestExtension => extension::request(&mut x)?,
        Action::DecideExtension { approve } => extension::decide(&mut x, approve)?,
        Action::Verify { fixed } => closing::verify(&mut x, fixed),
        Action::Duplicate => closing::duplicate(&mut x, &m).await?,
        // The state machine's change is all there is to these.
        Action::Supervise(_)
        | Action::FollowUp(_)
        | Action::Suspend
        | Action::Resume
        | Action::Invalid => None,
    };
    let mut written = photos::Written::default();
    let saved = save(x, action, step_department, pictures, &mut written).await?;
    written.keep();
    Ok(saved)
}

async fn save(
    x: Moving<'_>,
    action: Action,
    step_department: Option<i64>,
    pictures: Option<(&Path, Vec<Shrunk>)>,
    written: &mut photos::Written,
) -> Result<CaseRow, OpsError> {
    let Moving {
        mut tx,
        by,
        before,
        mut c,
        now,
        after,
        note,
        was_summoned,
        summoned,
        ..
    } = x;
    c.status = after.status;
    c.suspended_from = after.suspended_from;
    c.extension_pending = after.extension_pending;
    c.extensions = i64::from(after.extensions);
    c.supervision = after.supervision;
    c.satisfaction = after.satisfaction;
    store::save(&mut tx, &c).await?;
    let by = by.name();
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
    if let Some((files, shrunk)) = pictures {
        photos::keep(&mut tx, files, c.id, &by, now, &shrunk, written).await?;
    }
    let bumps = stats::accounting(
        action,
        &before,
        &c,
        step_department,
        (&was_summoned, &summoned),
        now,
    );
    stats::apply(&mut tx, &c, &bumps).await?;
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
