//! Places inside grids: buildings (with their households) and stationed units, mapped as
//! points. A place is put in the grid whose polygon holds it; a point outside every grid is
//! refused by name, since a place, unlike a case, has nowhere else to go.

use crate::grids::locate;
use crate::{Actor, OpsError};
use jiceng_domain::grids::PlaceKind;
use jiceng_domain::{DivisionCode, Invalid, msg, text};
use jiceng_store::places::{self as store, NewPlace};
use jiceng_store::{Db, StoreError, audit, orgs};
use serde::Deserialize;

/// The most places a map draws at once.
pub const MAP_LIMIT: i64 = 5000;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewPlaceInput {
    /// building or unit.
    pub kind: Option<String>,
    /// A building's name; a unit's place takes the unit's name when this is empty.
    pub name: Option<String>,
    pub unit_id: Option<i64>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// wgs84 (the default) or gcj02 (Chinese web maps' coordinates), converted to WGS-84.
    pub crs: Option<String>,
    pub households: Option<i64>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "add"))]
pub async fn add(db: &Db, actor: &Actor, new: NewPlaceInput) -> Result<Place, OpsError> {
    let kind = PlaceKind::parse(crate::input::required("place_kind", &new.kind)?)?;
    let (lon, lat) = match (new.lon, new.lat) {
        (Some(x), Some(y)) => super::datum(&new.crs)?.to_wgs84((x, y)),
        (None, _) => return Err(Invalid::new("lon", "", msg!("必填")).into()),
        (_, None) => return Err(Invalid::new("lat", "", msg!("必填")).into()),
    };
    let mut tx = db.write().await?;
    let grid = locate(&mut tx, lon, lat).await?.ok_or_else(|| {
        Invalid::new(
            "location",
            format!("{lon},{lat}"),
            msg!("该位置不在任何网格内"),
        )
    })?;
    let community = orgs::by_id(&mut tx, grid.community_org_id)
        .await?
        .ok_or_else(|| OpsError::not_found("党组织", grid.community_org_id))?;
    actor.may_write(&community.path)?;
    let (name, households, unit_id) = match kind {
        PlaceKind::Building => {
            if let Some(u) = new.unit_id {
                return Err(Invalid::new("unit", u, msg!("楼栋不关联驻区单位")).into());
            }
            let name = text::name("name", crate::input::required("name", &new.name)?, 60)?;
            let households = new.households.unwrap_or(0);
            if !(0..=10_000).contains(&households) {
                return Err(
                    Invalid::new("households", households, msg!("应在 0–10000 之间")).into(),
                );
            }
            (name, households, None)
        }
        PlaceKind::Unit => {
            if let Some(h) = new.households {
                return Err(Invalid::new("households", h, msg!("驻区单位的点位不计户数")).into());
            }
            let id = new
                .unit_id
                .ok_or_else(|| Invalid::new("unit", "", msg!("必填")))?;
            let unit =
                crate::registrations::credited_unit(&mut tx, actor, "unit", id, community.id)
                    .await?;
            let here = DivisionCode::parse(&community.division_code)?;
            let theirs = DivisionCode::parse(&unit.division_code)?;
            if theirs != here && here.parent().as_ref() != Some(&theirs) {
                return Err(Invalid::new(
                    "unit",
                    &unit.name,
                    msg!("该单位不在这个网格所在的社区或街道"),
                )
                .into());
            }
            let name = match crate::input::opt(&new.name) {
                Some(n) => text::name("name", n, 60)?,
                None => unit.name,
            };
            (name, 0, Some(unit.id))
        }
    };
    let id = store::add(
        &mut tx,
        &NewPlace {
            grid_id: grid.id,
            kind,
            name: &name,
            lon,
            lat,
            households,
            unit_id,
        },
    )
    .await
    .map_err(|e| match e {
        StoreError::Duplicate(_) => OpsError::conflict(
            "unit",
            unit_id.unwrap_or_default(),
            msg!("该单位已标注在网格中"),
        ),
        e => e.into(),
    })?;
    let row = store::by_id(&mut tx, id).await?.expect("just written");
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "grid.place.add",
            target: &format!("grid:{}", grid.id),
            path: Some(&community.path),
            before: None,
            after: serde_json::to_string(&row).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(row.into())
}

/// Takes a place off the map (and a building out of its grid's totals).
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "remove"))]
pub async fn remove(db: &Db, actor: &Actor, id: i64) -> Result<Place, OpsError> {
    let mut tx = db.write().await?;
    // Reached as the actor before anything is written: a place out of scope that other
    // records name must answer as one that does not exist, not as one still in use.
    let not_found = || OpsError::not_found("网格点位", id);
    let place = store::by_id(&mut tx, id).await?.ok_or_else(not_found)?;
    let grid = jiceng_store::cases::grid_by_id(&mut tx, place.grid_id)
        .await?
        .ok_or_else(not_found)?;
    let community = orgs::by_id(&mut tx, grid.community_org_id)
        .await?
        .ok_or_else(not_found)?;
    actor.reach(&community.path, "网格点位", id)?;
    actor.may_write(&community.path)?;
    let row = store::remove(&mut tx, id).await?.ok_or_else(not_found)?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "grid.place.remove",
            target: &format!("grid:{}", grid.id),
            path: Some(&community.path),
            before: serde_json::to_string(&row).ok(),
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(row.into())
}

/// The places in the grids of a scope (the actor's own unless an org code narrows it), at most
/// [`MAP_LIMIT`].
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "within"))]
pub async fn within(db: &Db, actor: &Actor, code: Option<&str>) -> Result<Vec<Place>, OpsError> {
    let mut tx = db.read().await?;
    let path = match code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => {
            crate::orgs::policy::named(&mut tx, actor, "within", c)
                .await?
                .path
        }
        None => actor.scope_path().to_string(),
    };
    actor.may_read(&path)?;
    Ok(store::within(&mut tx, &path, MAP_LIMIT)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Every place of one grid, by its code.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "of_grid"))]
pub async fn of_grid(db: &Db, actor: &Actor, code: &str) -> Result<Vec<Place>, OpsError> {
    let mut tx = db.read().await?;
    let (grid, community) = super::policy::named(&mut tx, actor, "grid", code).await?;
    actor.may_read(&community.path)?;
    Ok(store::of_grid(&mut tx, grid.id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Place {
    pub id: i64,
    pub grid_id: i64,
    pub grid_code: String,
    pub kind: jiceng_domain::grids::PlaceKind,
    pub name: String,
    pub lon: f64,
    pub lat: f64,
    pub households: i64,
    pub unit_id: Option<i64>,
}

impl From<jiceng_store::places::PlaceRow> for Place {
    fn from(r: jiceng_store::places::PlaceRow) -> Self {
        Place {
            id: r.id,
            grid_id: r.grid_id,
            grid_code: r.grid_code,
            kind: r.kind,
            name: r.name,
            lon: r.lon,
            lat: r.lat,
            households: r.households,
            unit_id: r.unit_id,
        }
    }
}
