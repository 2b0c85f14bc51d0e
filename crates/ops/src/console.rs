//! What an actor's console offers: the areas of work a role uses, each asked of the rules
//! the area's pages ask, so the sidebar, the phone's tab bar and the pages themselves agree on
//! what the actor may open.

use crate::Actor;
use jiceng_domain::Role;
use jiceng_domain::accounts::Duty;

/// An area of work the console links to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Orgs,
    Members,
    Units,
    Import,
    Meetings,
    Compliance,
    Points,
    PendingPoints,
    Assessment,
    Evaluations,
    Cobuilding,
    Service,
    Wishes,
    Residents,
    Needs,
    Resources,
    Projects,
    Matching,
    Errands,
    Problems,
    Positions,
    Circle,
    Volunteers,
    Activities,
    Rooms,
    Bookings,
    NeedFigures,
    Cases,
    NewCase,
    Inbox,
    Grids,
    Patrols,
    Rates,
    Users,
    Settings,
    Security,
    Audit,
    LoginLog,
    Tokens,
    ApiDocs,
}

/// The roles that keep org life, points and co-building for their scope.
fn organiser(r: Role) -> bool {
    r.writes_records()
}

/// The roles that work the grids and their cases.
fn grid_side(r: Role) -> bool {
    organiser(r) || r == Role::GridWorker
}

/// Whether the actor's console offers `area`.
pub fn may_use(actor: &Actor, area: Area) -> bool {
    let Some(role) = actor.role() else {
        // The operator at the command line has no console of its own.
        return true;
    };
    let duty = role.duty().is_some();
    match area {
        Area::Orgs | Area::Units => role.reads_records() && role != Role::DepartmentHandler,
        Area::Members => {
            role.reads_records() && !matches!(role, Role::DepartmentHandler | Role::UnitLiaison)
        }
        Area::Import | Area::PendingPoints | Area::Compliance | Area::Service => organiser(role),
        Area::Meetings => organiser(role),
        Area::Points => organiser(role),
        Area::Assessment | Area::Rates => matches!(
            role,
            Role::DistrictAdmin | Role::StreetAdmin | Role::CommunitySecretary
        ),
        Area::Evaluations => organiser(role) || role == Role::UnitLiaison,
        Area::Cobuilding => organiser(role) || role == Role::UnitLiaison,
        Area::Wishes => !duty && role != Role::DepartmentHandler,
        Area::Residents => organiser(role),
        Area::Needs => {
            organiser(role) || matches!(role, Role::GridWorker | Role::UnitLiaison | Role::Resident)
        }
        Area::NeedFigures => organiser(role),
        Area::Resources => organiser(role) || role == Role::UnitLiaison,
        Area::Projects | Area::Matching => organiser(role),
        Area::Errands => organiser(role) || matches!(role, Role::Member | Role::Resident),
        Area::Problems => organiser(role),
        Area::Positions | Area::Circle | Area::Volunteers => organiser(role),
        Area::Activities => organiser(role) || matches!(role, Role::Member | Role::Resident),
        Area::Rooms => organiser(role) || role == Role::UnitLiaison,
        Area::Bookings => organiser(role) || role == Role::UnitLiaison,
        Area::Cases | Area::NewCase | Area::Grids | Area::Patrols => grid_side(role),
        Area::Inbox => role == Role::DepartmentHandler,
        Area::Users => {
            actor
                .may_manage_account(Role::Member, actor.scope_path())
                .is_ok()
                || actor.may_duty(Duty::Security).is_ok()
        }
        Area::Settings => actor.may_administer().is_ok(),
        Area::Security => actor.may_duty(Duty::Security).is_ok(),
        Area::Audit | Area::LoginLog => actor.may_read_audit().is_ok(),
        // Tokens and the API document are for those who connect other systems.
        Area::Tokens | Area::ApiDocs => {
            !matches!(role, Role::Member | Role::GridWorker | Role::Resident)
        }
    }
}
