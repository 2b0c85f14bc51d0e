//! Grids: added with their GeoJSON polygon under a community, listed per scope, their teams,
//! and the lookup that routes a point to the grid it lies in; the places inside them and the
//! patrols through them.

pub mod boundaries;
pub mod patrols;
pub mod places;
pub(crate) mod policy;
mod shapes;

use crate::orgs::by_code;
use crate::{Actor, OpsError};
use jiceng_domain::datum::Datum;
use jiceng_domain::grids::{GridCode, Polygon};
use jiceng_domain::{Invalid, OrgCategory, OrgLevel, msg, text};
use jiceng_store::cases::{self as store, GridRow, NewGrid};
use jiceng_store::{Db, StoreError, Tx, audit};
use serde::Deserialize;

/// Reads a GeoJSON Polygon (or a Feature holding one) into checked rings.
pub fn parse_geometry(raw: &str) -> Result<Polygon, Invalid> {
    let bad = |why| Invalid::new("polygon", raw.chars().take(40).collect::<String>(), why);
    let v: serde_json::Value =
        serde_json::from_str(raw).map_err(|_| bad(msg!("应为 GeoJSON Polygon")))?;
    let geom = if v["type"] == "Feature" {
        &v["geometry"]
    } else {
        &v
    };
    if geom["type"] != "Polygon" {
        return Err(bad(msg!("应为 GeoJSON Polygon")));
    }
    let rings: Vec<Vec<(f64, f64)>> =
        serde_json::from_value::<Vec<Vec<[f64; 2]>>>(geom["coordinates"].clone())
            .map_err(|_| bad(msg!("应为 GeoJSON Polygon")))?
            .into_iter()
            .map(|r| r.into_iter().map(|[x, y]| (x, y)).collect())
            .collect();
    Polygon::new(rings)
}

/// The coordinate system data comes in: WGS-84 unless it says GCJ-02.
pub fn datum(crs: &Option<String>) -> Result<Datum, Invalid> {
    crate::input::opt(crs)
        .map(Datum::parse)
        .transpose()
        .map(|d| d.unwrap_or(Datum::Wgs84))
}

/// A GeoJSON Polygon given in `datum`, checked and kept in WGS-84: the text to store and the
/// polygon it holds.
pub fn geometry_in(raw: &serde_json::Value, datum: Datum) -> Result<(String, Polygon), Invalid> {
    let text = raw.to_string();
    let polygon = parse_geometry(&text)?;
    if datum == Datum::Wgs84 {
        return Ok((text, polygon));
    }
    let polygon = datum.polygon_to_wgs84(polygon);
    let coordinates: Vec<Vec<[f64; 2]>> = polygon
        .rings
        .iter()
        .map(|r| r.iter().map(|&(x, y)| [x, y]).collect())
        .collect();
    let text = serde_json::json!({ "type": "Polygon", "coordinates": coordinates }).to_string();
    Ok((text, polygon))
}

/// How far around a point `near` looks, in degrees (about a kilometre), and how many grids
/// it gives at most.
const NEAR: f64 = 0.01;
const NEAR_MAX: usize = 50;

/// The grids within about a kilometre of a point that the actor reads or works: what the
/// case form's small map draws around the phone's position.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "near"))]
pub async fn near(db: &Db, actor: &Actor, lon: f64, lat: f64) -> Result<Vec<Grid>, OpsError> {
    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        return Err(
            Invalid::new("location", format!("{lon},{lat}"), msg!("经纬度超出范围")).into(),
        );
    }
    let mut tx = db.read().await?;
    let around = (lon - NEAR, lat - NEAR, lon + NEAR, lat + NEAR);
    let mut paths: std::collections::HashMap<i64, Option<String>> = Default::default();
    let mut out = Vec::new();
    for g in store::grids_meeting_box(&mut tx, around).await? {
        if let std::collections::hash_map::Entry::Vacant(e) = paths.entry(g.community_org_id) {
            let path = jiceng_store::orgs::by_id(&mut tx, g.community_org_id)
                .await?
                .map(|c| c.path);
            e.insert(path);
        }
        let reached = paths[&g.community_org_id]
            .as_deref()
            .is_some_and(|p| actor.may_read(p).is_ok() || actor.reaches_as_grid_worker(p, false));
        if reached {
            out.push(g.into());
            if out.len() == NEAR_MAX {
                break;
            }
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewGridInput {
    /// The community org's code.
    pub community: Option<String>,
    /// 1–999; the grid code is the community's division code and this number.
    pub number: Option<u32>,
    pub name: Option<String>,
    /// The grid's branch (一网格一支部), by org code.
    pub branch: Option<String>,
    /// A GeoJSON Polygon, in WGS-84 unless `crs` says otherwise.
    pub geometry: Option<serde_json::Value>,
    /// wgs84 (the default) or gcj02 (Chinese web maps' coordinates), converted to WGS-84.
    pub crs: Option<String>,
    /// Refused: the figures come from the buildings mapped in the grid.
    pub households: Option<i64>,
    pub buildings: Option<i64>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "add"))]
pub async fn add(db: &Db, actor: &Actor, new: NewGridInput) -> Result<Grid, OpsError> {
    let community_code = crate::input::required("community", &new.community)?.to_string();
    let number = new
        .number
        .ok_or_else(|| Invalid::new("grid_code", "", msg!("必填")))?;
    let (geometry, polygon) = geometry_in(
        new.geometry
            .as_ref()
            .ok_or_else(|| Invalid::new("polygon", "", msg!("必填")))?,
        datum(&new.crs)?,
    )?;
    polygon.check_grid_shape()?;
    for (field, n) in [("households", new.households), ("buildings", new.buildings)] {
        if let Some(n) = n {
            return Err(
                Invalid::new(field, n, msg!("由网格内标注的楼栋累计，请改为标注楼栋")).into(),
            );
        }
    }
    let mut tx = db.write().await?;
    let community = by_code(&mut tx, actor, "community", &community_code).await?;
    if community.level != OrgLevel::Community || community.category != OrgCategory::Regional {
        return Err(Invalid::new(
            "community",
            &community_code,
            msg!("网格应划在社区党组织之下"),
        )
        .into());
    }
    actor.may_write(&community.path)?;
    boundaries::check_grid(&mut tx, actor, &community, &polygon).await?;
    // Grids tile their communities and never overlap, so a point belongs to one grid. The
    // other grid is named only to an actor who may read it.
    for other in store::grids_meeting_box(&mut tx, polygon.bbox()).await? {
        if parse_geometry(&other.geometry).is_ok_and(|p| p.overlaps(&polygon)) {
            let seen = match jiceng_store::orgs::by_id(&mut tx, other.community_org_id).await? {
                Some(o) => actor.may_read(&o.path).is_ok(),
                None => false,
            };
            return Err(if seen {
                Invalid::new(
                    "polygon",
                    &other.code,
                    msg!("与网格 {code} 重叠", code = &other.code),
                )
            } else {
                Invalid::new("polygon", "", msg!("与其他社区的网格重叠"))
            }
            .into());
        }
    }
    let code = GridCode::new(
        &jiceng_domain::DivisionCode::parse(&community.division_code)?,
        number,
    )?;
    let name = match crate::input::opt(&new.name) {
        Some(n) => text::name("name", n, 60)?,
        None => format!("{}第{number}网格", community.name),
    };
    let branch = match crate::input::opt(&new.branch) {
        Some(b) => {
            let o = by_code(&mut tx, actor, "branch", b).await?;
            if !o.path.starts_with(&community.path) {
                return Err(Invalid::new("branch", b, msg!("网格支部应在本社区之下")).into());
            }
            Some(o.id)
        }
        None => None,
    };
    let id = store::add_grid(
        &mut tx,
        &NewGrid {
            code: code.as_str(),
            name: &name,
            community_org_id: community.id,
            branch_org_id: branch,
            geometry: &geometry,
            bbox: polygon.bbox(),
            households: 0,
            buildings: 0,
        },
    )
    .await
    .map_err(|e| match e {
        StoreError::Duplicate(_) => OpsError::conflict("grid_code", &code, msg!("网格编码已存在")),
        e => e.into(),
    })?;
    let row = store::grid_by_code(&mut tx, code.as_str())
        .await?
        .expect("just written");
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "grid.add",
            target: &format!("grid:{id}"),
            path: Some(&community.path),
            before: None,
            after: serde_json::to_string(&row).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(row.into())
}

/// The grid a point lies in, if any: the bounding boxes narrow, the polygons decide.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "locate"))]
pub(crate) async fn locate(tx: &mut Tx, lon: f64, lat: f64) -> Result<Option<GridRow>, OpsError> {
    match shapes::locate(tx, lon, lat).await? {
        Some(id) => Ok(store::grid_by_id(tx, id).await?),
        None => Ok(None),
    }
}

/// The grids of a scope, for the map.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "within"))]
pub async fn within(db: &Db, actor: &Actor, code: Option<&str>) -> Result<Vec<Grid>, OpsError> {
    Ok(with_open_cases(db, actor, code)
        .await?
        .into_iter()
        .map(|(g, _)| g)
        .collect())
}

/// The grids of a scope with how many cases in each are still open.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "with_open_cases"))]
pub async fn with_open_cases(
    db: &Db,
    actor: &Actor,
    code: Option<&str>,
) -> Result<Vec<(Grid, i64)>, OpsError> {
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
    let open: std::collections::HashMap<i64, i64> = store::open_per_grid(&mut tx, &path)
        .await?
        .into_iter()
        .collect();
    Ok(store::grids_within(&mut tx, &path)
        .await?
        .into_iter()
        .map(|g| {
            let n = open.get(&g.id).copied().unwrap_or(0);
            (g.into(), n)
        })
        .collect())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewTeamMember {
    /// The grid's code.
    pub grid: Option<String>,
    /// leader, full_time, part_time, info_officer or volunteer.
    pub role: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    /// A party member's id, when the team member is one (党员中心户, volunteers …).
    pub member_id: Option<i64>,
}

/// Adds someone to a grid's team; a grid has one leader.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "add_team_member"))]
pub async fn add_team_member(
    db: &Db,
    actor: &Actor,
    new: NewTeamMember,
) -> Result<TeamMember, OpsError> {
    let code = crate::input::required("grid", &new.grid)?.to_string();
    let role = jiceng_domain::grids::TeamRole::parse(crate::input::required("role", &new.role)?)?;
    let name = text::name("name", crate::input::required("name", &new.name)?, 40)?;
    let phone = crate::input::opt(&new.phone)
        .map(|p| jiceng_domain::Phone::parse(p).map(|p| p.as_str().to_string()))
        .transpose()?;
    let mut tx = db.write().await?;
    let (grid, community) = policy::named(&mut tx, actor, "grid", &code).await?;
    actor.may_write(&community.path)?;
    if let Some(m) = new.member_id {
        crate::members::policy::named(&mut tx, actor, "member", m).await?;
    }
    let id = store::add_team_member(
        &mut tx,
        grid.id,
        role.code(),
        &name,
        phone.as_deref(),
        new.member_id,
    )
    .await
    .map_err(|e| match e {
        StoreError::Duplicate(_) => {
            OpsError::conflict("role", role.label(), msg!("该网格已有网格长"))
        }
        e => e.into(),
    })?;
    if role == jiceng_domain::grids::TeamRole::Volunteer {
        crate::volunteers::from_grid_team(
            &mut tx,
            actor,
            id,
            &name,
            phone.as_deref(),
            new.member_id,
            &community,
        )
        .await?;
    }
    let row = jiceng_store::cases::TeamRow {
        id,
        grid_id: grid.id,
        role,
        name,
        phone,
        member_id: new.member_id,
    };
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "grid.team.add",
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

/// Takes someone off a grid's team.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "remove_team_member"))]
pub async fn remove_team_member(db: &Db, actor: &Actor, id: i64) -> Result<(), OpsError> {
    let mut tx = db.write().await?;
    let Some(row) = store::remove_team_member(&mut tx, id).await? else {
        return Err(OpsError::not_found("网格队伍成员", id));
    };
    let grid = store::grid_by_id(&mut tx, row.grid_id)
        .await?
        .ok_or_else(|| OpsError::not_found("网格", row.grid_id))?;
    let community = jiceng_store::orgs::by_id(&mut tx, grid.community_org_id)
        .await?
        .ok_or_else(|| OpsError::not_found("网格队伍成员", id))?;
    actor.reach(&community.path, "网格队伍成员", id)?;
    actor.may_write(&community.path)?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "grid.team.remove",
            target: &format!("grid:{}", grid.id),
            path: Some(&community.path),
            before: serde_json::to_string(&row).ok(),
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The teams of the grids in a scope.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "teams"))]
pub async fn teams(
    db: &Db,
    actor: &Actor,
    code: Option<&str>,
) -> Result<Vec<TeamMember>, OpsError> {
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
    Ok(store::teams_within(&mut tx, &path)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Grid {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub community_org_id: i64,
    pub branch_org_id: Option<i64>,
    pub geometry: String,
    pub households: i64,
    pub buildings: i64,
}

impl From<jiceng_store::cases::GridRow> for Grid {
    fn from(r: jiceng_store::cases::GridRow) -> Self {
        Grid {
            id: r.id,
            code: r.code,
            name: r.name,
            community_org_id: r.community_org_id,
            branch_org_id: r.branch_org_id,
            geometry: r.geometry,
            households: r.households,
            buildings: r.buildings,
        }
    }
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TeamMember {
    pub id: i64,
    pub grid_id: i64,
    pub role: jiceng_domain::grids::TeamRole,
    pub name: String,
    pub phone: Option<String>,
    pub member_id: Option<i64>,
}

impl From<jiceng_store::cases::TeamRow> for TeamMember {
    fn from(r: jiceng_store::cases::TeamRow) -> Self {
        TeamMember {
            id: r.id,
            grid_id: r.grid_id,
            role: r.role,
            name: r.name,
            phone: r.phone,
            member_id: r.member_id,
        }
    }
}
