//! Grids: added with their GeoJSON polygon under a community, listed per scope, and the
//! lookup that routes a point to the grid it lies in.

use crate::orgs::by_code;
use crate::{Actor, OpsError};
use jiceng_domain::grid::{GridCode, Polygon};
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

#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewGridInput {
    /// The community org's code.
    pub community: Option<String>,
    /// 1–999; the grid code is the community's division code and this number.
    pub number: Option<u32>,
    pub name: Option<String>,
    /// The grid's branch (一网格一支部), by org code.
    pub branch: Option<String>,
    /// A GeoJSON Polygon, WGS-84.
    pub geometry: Option<serde_json::Value>,
    pub households: Option<i64>,
    pub buildings: Option<i64>,
}

pub async fn add(db: &Db, actor: &Actor, new: NewGridInput) -> Result<GridRow, OpsError> {
    let community_code = crate::input::required("community", &new.community)?.to_string();
    let number = new
        .number
        .ok_or_else(|| Invalid::new("grid_code", "", msg!("必填")))?;
    let geometry = new
        .geometry
        .as_ref()
        .ok_or_else(|| Invalid::new("polygon", "", msg!("必填")))?
        .to_string();
    let polygon = parse_geometry(&geometry)?;
    let mut tx = db.write().await?;
    let community = by_code(&mut tx, "community", &community_code).await?;
    if community.level != OrgLevel::Community.code()
        || community.category != OrgCategory::Regional.code()
    {
        return Err(Invalid::new(
            "community",
            &community_code,
            msg!("网格应划在社区党组织之下"),
        )
        .into());
    }
    actor.may_write(&community.path)?;
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
            let o = by_code(&mut tx, "branch", b).await?;
            if !o.path.starts_with(&community.path) {
                return Err(Invalid::new("branch", b, msg!("网格支部应在本社区之下")).into());
            }
            Some(o.id)
        }
        None => None,
    };
    for (field, n) in [("households", new.households), ("buildings", new.buildings)] {
        if n.is_some_and(|n| n < 0) {
            return Err(Invalid::new(field, n.unwrap_or_default(), msg!("不能为负数")).into());
        }
    }
    let id = store::add_grid(
        &mut tx,
        &NewGrid {
            code: code.as_str(),
            name: &name,
            community_org_id: community.id,
            branch_org_id: branch,
            geometry: &geometry,
            bbox: polygon.bbox(),
            households: new.households.unwrap_or(0),
            buildings: new.buildings.unwrap_or(0),
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
    Ok(row)
}

/// The grid a point lies in, if any: the bounding boxes narrow, the polygons decide.
pub async fn locate(tx: &mut Tx, lon: f64, lat: f64) -> Result<Option<GridRow>, OpsError> {
    for g in store::grids_around(tx, lon, lat).await? {
        if parse_geometry(&g.geometry).is_ok_and(|p| p.contains((lon, lat))) {
            return Ok(Some(g));
        }
    }
    Ok(None)
}

/// The grids of a scope, for the map.
pub async fn within(db: &Db, actor: &Actor, code: Option<&str>) -> Result<Vec<GridRow>, OpsError> {
    Ok(with_open_cases(db, actor, code)
        .await?
        .into_iter()
        .map(|(g, _)| g)
        .collect())
}

/// The grids of a scope with how many cases in each are still open.
pub async fn with_open_cases(
    db: &Db,
    actor: &Actor,
    code: Option<&str>,
) -> Result<Vec<(GridRow, i64)>, OpsError> {
    let mut tx = db.read().await?;
    let path = match code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => by_code(&mut tx, "within", c).await?.path,
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
            (g, n)
        })
        .collect())
}
