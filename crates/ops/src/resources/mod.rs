//! 资源清单: units' liaisons and community writers offer resources to a community — a venue,
//! funds, expertise, equipment, volunteers — with how much, when and how far; projects draw on
//! what is left. A resource offered or withdrawn rescores the open needs of its community and
//! category at once; the rest follow at the next full refresh.

pub mod policy;

use crate::input::{opt, opt_date, required};
use crate::{Actor, OpsError, Page};
use chrono::NaiveDate;
use jiceng_domain::needs::{self, NeedStatus};
use jiceng_domain::resources::{self, OwnerKind, ResourceKind, ResourceStatus};
use jiceng_domain::{Invalid, OrgCategory, OrgLevel, Role, clock, msg, text};
use jiceng_store::resources::{self as store, NewResource, ResourceRow};
use jiceng_store::{Db, Tx, audit, places};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Resource {
    pub id: i64,
    pub community_org_id: i64,
    pub community_name: String,
    #[serde(skip)]
    pub community_path: String,
    pub owner_kind: OwnerKind,
    pub unit_id: Option<i64>,
    pub owner_name: String,
    pub kind: ResourceKind,
    pub category: String,
    pub category_name: String,
    pub top_category: String,
    pub title: String,
    pub detail: Option<String>,
    pub capacity: i64,
    /// Drawn by projects.
    pub used: i64,
    /// What the capacity counts (人次, 平方米, 元 …).
    pub measure: String,
    /// Weekdays it is available, digits 1 (Monday) to 7; "" for every day.
    pub days: String,
    pub available_from: Option<NaiveDate>,
    pub available_until: Option<NaiveDate>,
    pub place_id: Option<i64>,
    pub place_name: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// How far it serves, in metres (3 km when none is named).
    pub reach_m: Option<f64>,
    pub status: ResourceStatus,
    pub posted_on: NaiveDate,
    pub posted_by: String,
    /// What the asking actor may do to it now.
    pub offers: Vec<&'static str>,
}

impl From<ResourceRow> for Resource {
    fn from(r: ResourceRow) -> Self {
        Resource {
            id: r.id,
            community_org_id: r.community_org_id,
            community_name: r.community_name,
            community_path: r.community_path,
            owner_kind: r.owner_kind,
            unit_id: r.unit_id,
            owner_name: r.owner_name,
            kind: r.kind,
            category: r.category,
            category_name: r.category_name,
            top_category: r.top_category,
            title: r.title,
            detail: r.detail,
            capacity: r.capacity,
            used: r.used,
            measure: r.measure,
            days: r.days,
            available_from: r.available_from,
            available_until: r.available_until,
            place_id: r.place_id,
            place_name: r.place_name,
            lon: r.lon,
            lat: r.lat,
            reach_m: r.reach_m,
            status: r.status,
            posted_on: r.posted_on,
            posted_by: r.posted_by,
            offers: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewResourceInput {
    /// The community served (org code).
    pub community: Option<String>,
    /// unit (a liaison's own unit, the default for liaisons), community, mass_org or
    /// volunteer_team.
    pub owner_kind: Option<String>,
    /// Who offers it, for a mass organisation or a volunteer team.
    pub owner_name: Option<String>,
    /// venue, funds, expertise, equipment or volunteers.
    pub kind: Option<String>,
    /// A subcategory code, as needs are filed.
    pub category: Option<String>,
    pub title: Option<String>,
    pub detail: Option<String>,
    pub capacity: Option<i64>,
    /// What the capacity counts: 人次 by default.
    pub measure: Option<String>,
    /// Weekdays, digits 1–7 ("67": weekends); every day by default.
    pub days: Option<String>,
    pub available_from: Option<String>,
    pub available_until: Option<String>,
    /// Where it is: a place the community mapped (a building, or a unit's place); a unit's
    /// own place by default.
    pub place_id: Option<i64>,
    /// How far it serves, in metres (up to 20 km); 3 km by default.
    pub reach_m: Option<f64>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "offer_resource"))]
pub async fn post(db: &Db, actor: &Actor, new: NewResourceInput) -> Result<Resource, OpsError> {
    let title = text::name("title", required("title", &new.title)?, 60)?;
    let detail = opt(&new.detail)
        .map(|d| text::long("detail", d, 1000))
        .transpose()?;
    let kind = ResourceKind::parse(required("kind", &new.kind)?)?;
    let category = needs::category_code(required("category", &new.category)?)?;
    let capacity = resources::capacity(
        new.capacity
            .ok_or_else(|| Invalid::new("capacity", "", msg!("必填")))?,
    )?;
    let measure = text::name("measure", opt(&new.measure).unwrap_or("人次"), 10)?;
    let days = resources::days(opt(&new.days).unwrap_or(""))?;
    let (from, until) = needs::window(
        opt_date("available_from", &new.available_from)?,
        opt_date("available_until", &new.available_until)?,
    )
    .map_err(|e| Invalid::new("available_until", e.value, e.message))?;
    let reach = match new.reach_m {
        Some(m) if !(100.0..=crate::matching::MAX_REACH_M).contains(&m) => {
            return Err(Invalid::new("reach_m", m, msg!("应为 100 到 20000 米")).into());
        }
        r => r,
    };
    let liaison = actor.role() == Some(Role::UnitLiaison);
    let owner_kind = match opt(&new.owner_kind) {
        Some(k) => OwnerKind::parse(k)?,
        None if liaison => OwnerKind::Unit,
        None => OwnerKind::Community,
    };
    if liaison && owner_kind != OwnerKind::Unit {
        return Err(Invalid::new(
            "owner_kind",
            owner_kind.code(),
            msg!("联络员提供本单位的资源"),
        )
        .into());
    }
    let mut tx = db.write().await?;
    let kept = jiceng_store::needs::category(&mut tx, &category)
        .await?
        .ok_or_else(|| Invalid::new("category", &category, msg!("没有这个类别")))?;
    if kept.parent_code.is_none() {
        return Err(Invalid::new("category", &category, msg!("请选择具体的小类")).into());
    }
    let code = required("community", &new.community)?;
    let community = crate::orgs::anywhere(&mut tx, "community", code).await?;
    if community.level != OrgLevel::Community || community.category != OrgCategory::Regional {
        return Err(crate::orgs::not_a_community(actor, &community));
    }
    policy::may_offer(&mut tx, actor, (community.id, &community.path))
        .await
        .map_err(|e| match e {
            OpsError::Forbidden(_) => crate::orgs::unknown_community(code),
            e => e,
        })?;
    let (unit_id, owner_name) = match owner_kind {
        OwnerKind::Unit => {
            let unit = match actor.unit_id() {
                Some(u) if liaison => u,
                _ => {
                    return Err(Invalid::new(
                        "owner_kind",
                        owner_kind.code(),
                        msg!("单位资源由该单位的联络员提供"),
                    )
                    .into());
                }
            };
            let u = jiceng_store::units::by_id(&mut tx, unit)
                .await?
                .ok_or_else(|| OpsError::internal("a liaison's unit is gone"))?;
            (Some(unit), u.name)
        }
        OwnerKind::Community => (None, community.name.clone()),
        OwnerKind::MassOrg | OwnerKind::VolunteerTeam => (
            None,
            text::name("owner_name", required("owner_name", &new.owner_name)?, 40)?,
        ),
    };
    let (place_id, point) = located(&mut tx, &community.path, new.place_id, unit_id).await?;
    let words =
        jiceng_domain::words::keywords(&format!("{title} {}", detail.as_deref().unwrap_or("")))
            .join(" ");
    let id = store::insert(
        &mut tx,
        &NewResource {
            community_org_id: community.id,
            community_path: &community.path,
            owner_kind,
            unit_id,
            owner_name: &owner_name,
            kind,
            category: &category,
            top_category: needs::top_of(&category),
            title: &title,
            detail: detail.as_deref(),
            words: &words,
            capacity,
            measure: &measure,
            days: &days,
            available_from: from,
            available_until: until,
            place_id,
            lon: point.map(|p| p.0),
            lat: point.map(|p| p.1),
            reach_m: reach,
            posted_on: clock::today(),
            by: &actor.audit_name(),
        },
    )
    .await?;
    if let Some(unit) = unit_id {
        let year = i64::from(chrono::Datelike::year(&clock::today()));
        crate::cobuilding::link_unit(&mut tx, unit, year).await?;
    }
    rescore_around(&mut tx, community.id, needs::top_of(&category)).await?;
    let row = Resource::from(store::by_id(&mut tx, id).await?.expect("just written"));
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "resource.offer",
            target: &format!("resource:{id}"),
            path: Some(&community.path),
            before: None,
            after: serde_json::to_string(&row).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    let mut row = row;
    row.offers = policy::offers(actor, &row);
    Ok(row)
}

/// Where a resource is: a place the community mapped, else the unit's own mapped place.
async fn located(
    tx: &mut Tx,
    community_path: &str,
    place_id: Option<i64>,
    unit: Option<i64>,
) -> Result<(Option<i64>, Option<(f64, f64)>), OpsError> {
    match place_id {
        Some(id) => {
            let mapped = places::within(tx, community_path, crate::residents::BUILDINGS).await?;
            let p = mapped
                .iter()
                .find(|p| p.id == id)
                .ok_or_else(|| Invalid::new("place_id", id, msg!("不是该社区已登记的地点")))?;
            Ok((Some(p.id), Some((p.lon, p.lat))))
        }
        None => match unit {
            Some(u) => Ok(places::of_unit(tx, u)
                .await?
                .map_or((None, None), |p| (Some(p.id), Some((p.lon, p.lat))))),
            None => Ok((None, None)),
        },
    }
}

/// Most open needs rescored at once when a resource of their community changes; the rest
/// wait for the full refresh.
const RESCORED: i64 = 200;

/// Scores again the open needs of a community in one top category.
pub(crate) async fn rescore_around(tx: &mut Tx, community: i64, top: &str) -> Result<(), OpsError> {
    let filter = jiceng_store::needs::Filter {
        status: Some(NeedStatus::Open),
        top_category: Some(top.to_string()),
    };
    let scope = jiceng_store::keyset::Scope::Community(community);
    for n in jiceng_store::needs::within(tx, &scope, &filter, None, RESCORED).await? {
        crate::matching::rescore(tx, n.id, n.status).await?;
    }
    Ok(())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListResources {
    /// An org code within the actor's scope; the whole scope by default.
    pub within: Option<String>,
    /// active or withdrawn; every status by default.
    pub status: Option<String>,
    /// A top category's code.
    pub category: Option<String>,
    pub after: Option<String>,
    pub limit: Option<i64>,
}

/// Resources of a scope, newest first; a liaison gets their unit's.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "resources"))]
pub async fn list(db: &Db, actor: &Actor, q: ListResources) -> Result<Page<Resource>, OpsError> {
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let status = opt(&q.status).map(ResourceStatus::parse).transpose()?;
    let top = opt(&q.category)
        .map(|c| needs::category_code(c).map(|c| needs::top_of(&c).to_string()))
        .transpose()?;
    let after = crate::input::after_id(&q.after)?;
    let mut tx = db.read().await?;
    let shown = |r: ResourceRow| {
        let mut r = Resource::from(r);
        r.offers = policy::offers(actor, &r);
        r
    };
    if let (Some(unit), Some(Role::UnitLiaison)) = (actor.unit_id(), actor.role()) {
        let mut rows = store::of_unit(&mut tx, unit, 500).await?;
        rows.retain(|r| status.is_none_or(|s| r.status == s));
        return Ok(Page::whole(rows.into_iter().map(shown).collect::<Vec<_>>()));
    }
    let scope = crate::orgs::list_scope(&mut tx, actor, &q.within).await?;
    let rows = store::within(&mut tx, &scope, status, top.as_deref(), after, limit + 1).await?;
    Ok(Page::after_last(rows, limit, |r| r.id.to_string(), shown))
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "resource"))]
pub async fn show(db: &Db, actor: &Actor, id: i64) -> Result<Resource, OpsError> {
    let mut tx = db.read().await?;
    policy::resolve(&mut tx, actor, id).await
}

/// Withdraws a resource: it is offered no more (what projects drew on it stays drawn).
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "withdraw_resource"))]
pub async fn withdraw(db: &Db, actor: &Actor, id: i64) -> Result<Resource, OpsError> {
    let mut tx = db.write().await?;
    let r = policy::resolve(&mut tx, actor, id).await?;
    policy::may_withdraw(actor, &r)?;
    if store::set_status(
        &mut tx,
        id,
        ResourceStatus::Active,
        ResourceStatus::Withdrawn,
    )
    .await?
        == 0
    {
        return Err(Invalid::new("status", r.status.code(), msg!("资源已撤回")).into());
    }
    jiceng_store::matching::forget_resource(&mut tx, id).await?;
    rescore_around(&mut tx, r.community_org_id, &r.top_category).await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "resource.withdraw",
            target: &format!("resource:{id}"),
            path: Some(&r.community_path),
            before: None,
            after: None,
        },
    )
    .await?;
    let after = policy::resolve(&mut tx, actor, id).await?;
    tx.commit().await?;
    Ok(after)
}
