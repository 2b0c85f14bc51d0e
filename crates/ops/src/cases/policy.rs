//! Who may do what to a case: the one place the moves, the views, the pages and the API ask.
//! The state machine says which moves the case allows now; this says which of them the actor
//! may make, so a page offers exactly the moves that would succeed.

use crate::{Actor, OpsError};
use jiceng_domain::cases::{self as domain, Action, State};
use jiceng_domain::msg;
use jiceng_store::cases::{CaseRow, SummonsRow};

/// Dispatchers: writers of the scope the case is in (the manual queue belongs to whoever
/// may write at the top).
pub(crate) fn may_dispatch(actor: &Actor, c: &CaseRow) -> Result<(), OpsError> {
    actor.may_write(&c.org_path)
}

/// A department's handler works on its department's cases within the account's scope (a
/// district's handler on the district's): the department alone opens no case elsewhere.
fn handles_for_department(actor: &Actor, c: &CaseRow, department: i64) -> bool {
    actor.department_id() == Some(department) && actor.in_scope(&c.org_path)
}

/// The party handling the case: its department's handlers, or the community's dispatchers
/// when no department has it.
pub(crate) fn may_handle(actor: &Actor, c: &CaseRow) -> Result<(), OpsError> {
    match c.department_id {
        Some(d) if handles_for_department(actor, c, d) => Ok(()),
        Some(_) => Err(OpsError::Forbidden(msg!("该案件不在本部门办理"))),
        None => may_dispatch(actor, c),
    }
}

/// Verification: the grid workers and dispatchers where the case is.
pub(crate) fn may_verify(actor: &Actor, c: &CaseRow) -> Result<(), OpsError> {
    actor.may_work_grid(&c.org_path)
}

/// A summoned department reports (报到) once, by its own handlers within their scope.
pub(crate) fn may_report(
    actor: &Actor,
    c: &CaseRow,
    summons: &[SummonsRow],
) -> Result<(), OpsError> {
    let Some(d) = actor
        .department_id()
        .filter(|_| actor.in_scope(&c.org_path))
    else {
        return Err(OpsError::Forbidden(msg!("只有被召集部门的办理人可以报到")));
    };
    match summons.iter().find(|s| s.department_id == d) {
        Some(s) if s.reported_at.is_none() => Ok(()),
        _ => Err(OpsError::conflict(
            "action",
            "report",
            msg!("本部门未被召集或已经报到"),
        )),
    }
}

/// May the actor see this case: within their scope, their grid's community, or their
/// department has or was summoned to it.
pub(crate) fn may_see(actor: &Actor, c: &CaseRow, summons: &[SummonsRow]) -> Result<(), OpsError> {
    if let Some(d) = actor.department_id()
        && actor.in_scope(&c.org_path)
        && (c.department_id == Some(d) || summons.iter().any(|s| s.department_id == d))
    {
        return Ok(());
    }
    if actor.reaches_as_grid_worker(&c.org_path, false) {
        return Ok(());
    }
    actor.may_read(&c.org_path)
}

/// The case named by a request, as the actor may see it: one they cannot see answers exactly
/// as one that does not exist. Asked before anything else about the case is checked.
pub(crate) fn reach(actor: &Actor, c: &CaseRow, summons: &[SummonsRow]) -> Result<(), OpsError> {
    may_see(actor, c, summons).map_err(|_| OpsError::not_found("案件", c.id))
}

/// May the actor make this kind of move on the case (whatever state it is in)? A read-only
/// token makes none.
pub fn may_make(
    actor: &Actor,
    action: Action,
    c: &CaseRow,
    summons: &[SummonsRow],
) -> Result<(), OpsError> {
    if actor.read_only() {
        return Err(OpsError::Forbidden(msg!("只读令牌不能修改数据")));
    }
    match action {
        Action::Report => may_report(actor, c, summons),
        Action::Accept | Action::Return | Action::RequestExtension | Action::Feedback => {
            may_handle(actor, c)
        }
        Action::Verify { .. } => may_verify(actor, c),
        Action::Register
        | Action::Dispatch
        | Action::DecideExtension { .. }
        | Action::Supervise(_)
        | Action::FollowUp(_)
        | Action::Suspend
        | Action::Resume
        | Action::Invalid
        | Action::Duplicate => may_dispatch(actor, c),
    }
}

/// The moves this actor may make on the case now: those the state machine allows from its
/// state and the actor may make.
pub(crate) fn moves(
    actor: &Actor,
    c: &CaseRow,
    state: &State,
    max_extensions: u32,
    summons: &[SummonsRow],
) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|a| domain::next(state, *a, max_extensions).is_ok())
        .filter(|a| may_make(actor, *a, c, summons).is_ok())
        .collect()
}

/// Whether the actor's cases always come in by their role's channel (grid workers and
/// members); the desk names the channel a case came in by.
pub fn channel_fixed(actor: &Actor) -> bool {
    matches!(
        actor.role(),
        Some(jiceng_domain::Role::GridWorker | jiceng_domain::Role::Member)
    )
}

/// The channel a case comes in by when the one taking it in names none: a grid worker's
/// cases are 网格员上报, a member's come from their phone, the desk's by the hotline.
pub fn channel_for(actor: &Actor) -> domain::Channel {
    match actor.role() {
        Some(jiceng_domain::Role::GridWorker) => domain::Channel::GridWorker,
        Some(jiceng_domain::Role::Member) => domain::Channel::Web,
        _ => domain::Channel::Hotline,
    }
}
