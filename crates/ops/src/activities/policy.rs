//! Who reaches an activity: the readers of its community see all of it and its writers
//! organise it (roles, attendance, hours); a member or resident sees the published activities
//! of the district they live or belong in, and any they signed up for.

use crate::{Actor, OpsError};
use jiceng_domain::Role;
use jiceng_domain::activities::ActivityStatus;
use jiceng_store::Tx;
use jiceng_store::activities::{self as store, ActivityRow};

/// How the actor reaches an activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Reads its community's records (and may organise it if they write them).
    Organiser,
    /// A member or resident who may sign up.
    Volunteer,
}

/// The activity `id` as the actor may reach it, else not found.
pub(crate) async fn resolve(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
) -> Result<(ActivityRow, Reach), OpsError> {
    let missing = || OpsError::not_found("志愿活动", id);
    let row = store::by_id(tx, id).await?.ok_or_else(missing)?;
    if actor.may_read(&row.org_path).is_ok() {
        return Ok((row, Reach::Organiser));
    }
    if !signs_up(actor) {
        return Err(missing());
    }
    let signed_up = match crate::volunteers::own(tx, actor).await? {
        Some(v) => store::signup_of(tx, id, v.id).await?.is_some(),
        None => false,
    };
    let home = home_district(tx, actor).await?;
    if signer_reaches(&row, home, signed_up) {
        Ok((row, Reach::Volunteer))
    } else {
        Err(missing())
    }
}

/// Whether a member or resident reaches the activity: published in the district they belong
/// or live in (`home`), or one they signed up for.
pub(crate) fn signer_reaches(row: &ActivityRow, home: Option<i64>, signed_up: bool) -> bool {
    signed_up
        || (row.status == ActivityStatus::Published
            && home.is_some()
            && home == row.district_org_id)
}

/// Organising the activity (its attendance, its hours): the writers of its community.
pub fn may_organise(actor: &Actor, row: &ActivityRow) -> Result<(), OpsError> {
    actor.may_write(&row.org_path)
}

/// Whether the actor signs up for activities: members and residents.
pub fn signs_up(actor: &Actor) -> bool {
    actor.role() == Some(Role::Resident)
        || (actor.role() == Some(Role::Member) && actor.member_id().is_some())
}

/// The district a member belongs in, or a resident lives in.
pub(crate) async fn home_district(tx: &mut Tx, actor: &Actor) -> Result<Option<i64>, OpsError> {
    let org = match (actor.role(), actor.member_id()) {
        (Some(Role::Resident), _) => crate::residents::own(tx, actor).await?.community_org_id,
        (_, Some(m)) => match jiceng_store::members::by_id(tx, m).await? {
            Some(m) => m.org_id,
            None => return Ok(None),
        },
        _ => return Ok(None),
    };
    Ok(jiceng_store::orgs::levels_of(tx, org).await?.0)
}
