//! 双报到: employed members register with the community where they live; a unit's party
//! org registers with the community where the unit sits. Both sides see the record.

use crate::input::opt_past_date;
use crate::{Actor, OpsError, Page};
use chrono::Datelike;
use jiceng_domain::clock;
use jiceng_domain::msg;
use jiceng_domain::{Categories, Category, DivisionCode, Invalid, OrgCategory, OrgLevel};
use jiceng_store::orgs::OrgRow;
use jiceng_store::registrations::{self, NewRegistration};
use jiceng_store::{Db, StoreError, Tx, audit, members};

/// The community a registration names: a member registers where they live and a liaison
/// where their unit sits, in the actor's scope or not.
async fn community(
    tx: &mut Tx,
    actor: &Actor,
    member: Option<i64>,
    unit: Option<i64>,
    code: &str,
) -> Result<OrgRow, OpsError> {
    let org = crate::orgs::policy::named_for(tx, actor, "community", code, member, unit).await?;
    if org.level != OrgLevel::Community || org.category != OrgCategory::Regional {
        return Err(Invalid::new("community", code, msg!("报到对象应为社区党组织")).into());
    }
    Ok(org)
}

async fn record(
    tx: &mut Tx,
    actor: &Actor,
    r: NewRegistration,
    what: &str,
    path: &str,
) -> Result<Registration, OpsError> {
    let id = registrations::insert(tx, &r).await.map_err(|e| match e {
        StoreError::Duplicate(_) => {
            OpsError::conflict("community", what, msg!("已在一个社区报到，请先结束原报到"))
        }
        e => e.into(),
    })?;
    let row = registrations::by_id(tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("报到记录", id))?;
    if let Some(m) = row.member_id {
        crate::points::kept::registered(tx, m, row.registered_on).await?;
    }
    jiceng_store::evaluations::pairs::refresh(
        tx,
        row.community_org_id,
        row.member_id,
        row.unit_id,
        row.registered_on.year(),
    )
    .await?;
    audit::append(
        tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "registration.add",
            target: &format!("registration:{id}"),
            path: Some(path),
            before: None,
            after: serde_json::to_string(&row).ok(),
        },
    )
    .await?;
    Ok(row.into())
}

/// The community committee where member `id` lives, for an actor who may register them.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "residence_community"))]
pub async fn residence_community(
    db: &Db,
    actor: &Actor,
    member_id: i64,
) -> Result<Option<crate::orgs::Org>, OpsError> {
    let mut tx = db.read().await?;
    let m = crate::members::policy::resolve(&mut tx, actor, member_id).await?;
    let Some(res) = m.residence_division else {
        return Ok(None);
    };
    let Some(org) = jiceng_store::orgs::community_at(&mut tx, &res).await? else {
        return Ok(None);
    };
    actor.may_act_for(Some(m.id), None, &org.path)?;
    Ok(Some(org.into()))
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "register_member"))]
pub async fn register_member(
    db: &Db,
    actor: &Actor,
    member_id: i64,
    community_code: &str,
    on_date: Option<String>,
) -> Result<Registration, OpsError> {
    let date = opt_past_date("registered_on", &on_date)?.unwrap_or_else(clock::today);
    let mut tx = db.write().await?;
    // The community first, and the actor's right to act there; then the member, whom the
    // actor reaches by scope or because they live in that community. Nothing about the member
    // is checked, or named, before.
    let org = community(&mut tx, actor, Some(member_id), None, community_code).await?;
    actor.may_act_for(Some(member_id), None, &org.path)?;
    let m = match crate::members::policy::readable(&mut tx, actor, member_id).await? {
        Some(m) => m,
        None => members::by_id(&mut tx, member_id)
            .await?
            .filter(|m| m.residence_division.as_deref() == Some(org.division_code.as_str()))
            .ok_or_else(|| OpsError::not_found("党员", member_id))?,
    };
    if !Categories(m.categories).contains(Category::Employed) {
        return Err(Invalid::new(
            "categories",
            Categories(m.categories),
            msg!("只有在职党员到居住社区报到"),
        )
        .into());
    }
    if let Some(res) = &m.residence_division
        && res != &org.division_code
    {
        return Err(Invalid::new(
            "community",
            community_code,
            msg!("党员居住在 {res}，应到居住地社区报到", res = res),
        )
        .into());
    }
    if date < m.joined_on {
        return Err(Invalid::new("registered_on", date, msg!("早于入党日期")).into());
    }
    let r = NewRegistration {
        community_org_id: org.id,
        member_id: Some(m.id),
        unit_id: None,
        registered_on: date,
    };
    let row = record(&mut tx, actor, r, &m.name, &org.path).await?;
    tx.commit().await?;
    Ok(row)
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "register_unit"))]
pub async fn register_unit(
    db: &Db,
    actor: &Actor,
    unit_id: i64,
    community_code: &str,
    on_date: Option<String>,
) -> Result<Registration, OpsError> {
    let date = opt_past_date("registered_on", &on_date)?.unwrap_or_else(clock::today);
    let mut tx = db.write().await?;
    let u = crate::units::policy::resolve(&mut tx, actor, unit_id).await?;
    if u.org_id.is_none() {
        return Err(Invalid::new("unit", &u.name, msg!("没有党组织的单位不参加双报到")).into());
    }
    let org = community(&mut tx, actor, None, Some(unit_id), community_code).await?;
    let unit_div = DivisionCode::parse(&u.division_code)?;
    let com_div = DivisionCode::parse(&org.division_code)?;
    if !(unit_div.is_within(&com_div) || com_div.is_within(&unit_div)) {
        return Err(Invalid::new(
            "community",
            community_code,
            msg!(
                "单位位于 {division}，应到所在社区报到",
                division = &u.division_code
            ),
        )
        .into());
    }
    actor.may_act_for(None, Some(u.id), &org.path)?;
    let r = NewRegistration {
        community_org_id: org.id,
        member_id: None,
        unit_id: Some(u.id),
        registered_on: date,
    };
    let row = record(&mut tx, actor, r, &u.name, &org.path).await?;
    tx.commit().await?;
    Ok(row)
}

/// Ends a registration, keeping it in the history.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "end"))]
pub async fn end(
    db: &Db,
    actor: &Actor,
    id: i64,
    on_date: Option<String>,
) -> Result<Registration, OpsError> {
    let date = opt_past_date("ended_on", &on_date)?.unwrap_or_else(clock::today);
    let mut tx = db.write().await?;
    let before = registrations::by_id(&mut tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("报到记录", id))?;
    if before.ended_on.is_some() {
        return Err(OpsError::conflict("ended_on", date, msg!("该报到已结束")));
    }
    if date < before.registered_on {
        return Err(Invalid::new("ended_on", date, msg!("早于报到日期")).into());
    }
    let org = jiceng_store::orgs::by_id(&mut tx, before.community_org_id)
        .await?
        .ok_or_else(|| OpsError::not_found("报到记录", id))?;
    actor.reach(&org.path, "报到记录", id)?;
    actor.may_write(&org.path)?;
    registrations::end(&mut tx, id, date).await?;
    if let Some(m) = before.member_id {
        crate::points::kept::registered(&mut tx, m, date).await?;
    }
    // The years after the end no longer owe the pair; the year it ended still does.
    jiceng_store::evaluations::pairs::refresh(
        &mut tx,
        before.community_org_id,
        before.member_id,
        before.unit_id,
        date.year(),
    )
    .await?;
    let after = registrations::by_id(&mut tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("报到记录", id))?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "registration.end",
            target: &format!("registration:{id}"),
            path: Some(&org.path),
            before: serde_json::to_string(&before).ok(),
            after: serde_json::to_string(&after).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after.into())
}

/// The community side: who has registered here, latest first, by keyset.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "of_community"))]
pub async fn of_community(
    db: &Db,
    actor: &Actor,
    code: &str,
    active_only: bool,
    after: Option<&str>,
    limit: i64,
) -> Result<Page<Registration>, OpsError> {
    let limit = limit.clamp(1, 500);
    let after = jiceng_domain::keyset::read_date(after)?;
    let mut tx = db.read().await?;
    // The org is resolved within the actor's reach first: another's answers as missing.
    let org = crate::orgs::policy::resolve(&mut tx, actor, code).await?;
    let org = community(&mut tx, actor, None, None, &org.code).await?;
    let rows = registrations::of_community(&mut tx, org.id, active_only, after, limit + 1).await?;
    Ok(Page::keyset(
        rows,
        limit,
        |r| (jiceng_domain::keyset::midnight(r.registered_on), r.id),
        Into::into,
    ))
}

/// The member a community's writers credit with something done there (service, a wish, a
/// grade), named by a request in `field`: one within the actor's reach, or registered (双报到)
/// with the community and still. Anyone else is refused exactly as an id that does not exist.
pub(crate) async fn credited(
    tx: &mut Tx,
    actor: &Actor,
    field: &'static str,
    member_id: i64,
    community_org_id: i64,
) -> Result<jiceng_store::members::MemberRow, OpsError> {
    let refused = || {
        Invalid::new(
            field,
            member_id,
            msg!("不是您管理范围内或已到本社区报到的党员"),
        )
    };
    let member = members::by_id(tx, member_id).await?.ok_or_else(refused)?;
    if actor.may_read_member(member.id, &member.org_path).is_ok() {
        return Ok(member);
    }
    let registered = registrations::of_member(tx, member.id)
        .await?
        .iter()
        .any(|r| r.community_org_id == community_org_id && r.ended_on.is_none());
    if registered {
        Ok(member)
    } else {
        Err(refused().into())
    }
}

/// The unit a community's writers name (to grade it, to map it in a grid), named by a request
/// in `field`: one the actor may read, or one registered (双报到) with the community at any
/// time. Anyone else is refused exactly as an id that does not exist.
pub(crate) async fn credited_unit(
    tx: &mut Tx,
    actor: &Actor,
    field: &'static str,
    unit_id: i64,
    community_org_id: i64,
) -> Result<jiceng_store::units::UnitRow, OpsError> {
    let refused = || Invalid::new(field, unit_id, msg!("没有这个驻区单位"));
    let unit = jiceng_store::units::by_id(tx, unit_id)
        .await?
        .ok_or_else(refused)?;
    if actor.may_read_unit(unit.id, &unit.division_code).is_ok() {
        return Ok(unit);
    }
    let registered = registrations::of_unit(tx, unit.id)
        .await?
        .iter()
        .any(|r| r.community_org_id == community_org_id);
    if registered {
        Ok(unit)
    } else {
        Err(refused().into())
    }
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Registration {
    pub id: i64,
    pub community_org_id: i64,
    pub community_name: String,
    pub member_id: Option<i64>,
    pub member_name: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub registered_on: chrono::NaiveDate,
    pub ended_on: Option<chrono::NaiveDate>,
}

impl From<jiceng_store::registrations::RegistrationRow> for Registration {
    fn from(r: jiceng_store::registrations::RegistrationRow) -> Self {
        Registration {
            id: r.id,
            community_org_id: r.community_org_id,
            community_name: r.community_name,
            member_id: r.member_id,
            member_name: r.member_name,
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            registered_on: r.registered_on,
            ended_on: r.ended_on,
        }
    }
}
