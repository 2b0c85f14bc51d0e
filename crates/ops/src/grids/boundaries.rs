//! Communities' boundaries (社区边界). A street draws the boundary of each of its communities;
//! where one is drawn, the community's grids lie within it, so a grid can never reach into
//! another community, and no two communities' boundaries overlap.

use super::parse_geometry;
use crate::{Actor, OpsError};
use jiceng_domain::datum::Datum;
use jiceng_domain::grids::Polygon;
use jiceng_domain::{Invalid, OrgCategory, OrgLevel, clock, msg};
use jiceng_store::boundaries::{self as store, BoundaryRow};
use jiceng_store::orgs::{self, OrgRow};
use jiceng_store::{Db, Tx, audit};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Boundary {
    pub community_code: String,
    pub community_name: String,
    /// The GeoJSON Polygon as drawn.
    #[schema(value_type = Object)]
    pub geometry: serde_json::Value,
    pub drawn_by: String,
    pub drawn_at: chrono::DateTime<chrono::Utc>,
}

impl From<BoundaryRow> for Boundary {
    fn from(r: BoundaryRow) -> Self {
        Boundary {
            community_code: r.org_code,
            community_name: r.org_name,
            geometry: serde_json::from_str(&r.geometry).unwrap_or(serde_json::Value::Null),
            drawn_by: r.drawn_by,
            drawn_at: r.drawn_at,
        }
    }
}

/// The community `code` as the actor may read it (another answers as missing), and checked
/// to be a community.
async fn community(tx: &mut Tx, actor: &Actor, code: &str) -> Result<OrgRow, OpsError> {
    let c = crate::orgs::policy::resolve(tx, actor, code).await?;
    if c.level != OrgLevel::Community || c.category != OrgCategory::Regional {
        return Err(Invalid::new("community", code, msg!("只有社区党组织有社区边界")).into());
    }
    Ok(c)
}

/// May the actor draw this community's boundary? Its street does: a street's or district's
/// administrator (or the deployment's) who writes at the community's parent.
pub fn may_draw(actor: &Actor, community: &OrgRow, street_path: &str) -> Result<(), OpsError> {
    let by_role = if may_draw_here(actor) {
        Ok(())
    } else {
        Err(OpsError::Forbidden(msg!("超出您的管理范围")))
    };
    by_role
        .and_then(|()| actor.may_write(street_path))
        .map_err(|_| {
            OpsError::Forbidden(msg!(
                "{name}的边界由所在街道划定",
                name = community.name.as_str()
            ))
        })
}

/// Does the map page offer the actor the boundary form? A street's administrators, and
/// those above them, draw the boundaries of the communities under them.
pub fn may_draw_here(actor: &Actor) -> bool {
    use jiceng_domain::accounts::Role;
    actor.may_write(actor.scope_path()).is_ok()
        && actor
            .role()
            .is_none_or(|r| matches!(r, Role::StreetAdmin | Role::DistrictAdmin))
}

async fn street_path(tx: &mut Tx, community: &OrgRow) -> Result<String, OpsError> {
    let parent = match community.parent_id {
        Some(p) => orgs::by_id(tx, p).await?,
        None => None,
    };
    Ok(parent.map_or_else(|| "/".to_string(), |p| p.path))
}

/// The community's boundary, if its street drew one.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "boundary_of"))]
pub async fn of(db: &Db, actor: &Actor, code: &str) -> Result<Option<Boundary>, OpsError> {
    let mut tx = db.read().await?;
    let c = community(&mut tx, actor, code).await?;
    Ok(store::of(&mut tx, c.id).await?.map(Into::into))
}

/// The boundaries drawn in the actor's scope (or `within` it), for the map.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "boundaries_within"))]
pub async fn within(
    db: &Db,
    actor: &Actor,
    within: Option<&str>,
) -> Result<Vec<Boundary>, OpsError> {
    let mut tx = db.read().await?;
    let path = match within.map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => {
            crate::orgs::policy::named(&mut tx, actor, "within", code)
                .await?
                .path
        }
        None => {
            actor.may_read(actor.scope_path())?;
            actor.scope_path().to_string()
        }
    };
    Ok(store::within(&mut tx, &path)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Draws (or redraws) the community's boundary. It is a simple polygon of bounded size; every
/// grid the community has lies within it; it overlaps no other community's boundary.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "draw_boundary"))]
pub async fn draw(
    db: &Db,
    actor: &Actor,
    code: &str,
    geometry: Option<&serde_json::Value>,
    datum: Datum,
) -> Result<Boundary, OpsError> {
    let geometry = geometry
        .filter(|g| !g.is_null())
        .ok_or_else(|| Invalid::new("polygon", "", msg!("必填")))?;
    let mut tx = db.write().await?;
    let c = community(&mut tx, actor, code).await?;
    may_draw(actor, &c, &street_path(&mut tx, &c).await?)?;
    let (geometry, polygon) = super::geometry_in(geometry, datum)?;
    polygon.check_grid_shape()?;
    for g in jiceng_store::cases::grids_within(&mut tx, &c.path).await? {
        if parse_geometry(&g.geometry).is_ok_and(|p| !p.within(&polygon)) {
            return Err(Invalid::new(
                "polygon",
                &g.code,
                msg!("网格 {code} 不在所画边界之内", code = &g.code),
            )
            .into());
        }
    }
    refuse_overlapping_boundary(&mut tx, actor, c.id, &polygon).await?;
    // Nor may it take in another community's grid.
    for g in jiceng_store::cases::grids_meeting_box(&mut tx, polygon.bbox()).await? {
        if g.community_org_id != c.id
            && parse_geometry(&g.geometry).is_ok_and(|p| p.overlaps(&polygon))
        {
            return Err(if seen(&mut tx, actor, g.community_org_id).await? {
                Invalid::new(
                    "polygon",
                    &g.code,
                    msg!("与网格 {code} 重叠", code = &g.code),
                )
            } else {
                Invalid::new("polygon", "", msg!("与其他社区的网格重叠"))
            }
            .into());
        }
    }
    let before = store::of(&mut tx, c.id).await?;
    store::put(
        &mut tx,
        c.id,
        &geometry,
        polygon.bbox(),
        &actor.audit_name(),
        clock::now(),
    )
    .await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "boundary.draw",
            target: &format!("org:{}", c.id),
            path: Some(&c.path),
            before: before.map(|b| b.geometry),
            after: Some(geometry),
        },
    )
    .await?;
    let row = store::of(&mut tx, c.id).await?.expect("just drawn");
    tx.commit().await?;
    Ok(row.into())
}

/// Erases the community's boundary: its grids are then bounded only by each other.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "erase_boundary"))]
pub async fn erase(db: &Db, actor: &Actor, code: &str) -> Result<(), OpsError> {
    let mut tx = db.write().await?;
    let c = community(&mut tx, actor, code).await?;
    may_draw(actor, &c, &street_path(&mut tx, &c).await?)?;
    let Some(before) = store::of(&mut tx, c.id).await? else {
        return Err(OpsError::not_found("社区边界", code));
    };
    store::remove(&mut tx, c.id).await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "boundary.erase",
            target: &format!("org:{}", c.id),
            path: Some(&c.path),
            before: Some(before.geometry),
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether the actor may read the org `id`, so an error may name its records.
async fn seen(tx: &mut Tx, actor: &Actor, id: i64) -> Result<bool, OpsError> {
    Ok(match orgs::by_id(tx, id).await? {
        Some(o) => actor.may_read(&o.path).is_ok(),
        None => false,
    })
}

/// Refuses a shape that overlaps the boundary of a community other than `community`; the
/// other community is named only to an actor who may read it.
async fn refuse_overlapping_boundary(
    tx: &mut Tx,
    actor: &Actor,
    community: i64,
    shape: &Polygon,
) -> Result<(), OpsError> {
    for other in store::meeting_box(tx, shape.bbox()).await? {
        if other.org_id != community
            && parse_geometry(&other.geometry).is_ok_and(|p| p.overlaps(shape))
        {
            return Err(if seen(tx, actor, other.org_id).await? {
                Invalid::new(
                    "polygon",
                    &other.org_code,
                    msg!("与{name}的边界重叠", name = other.org_name.as_str()),
                )
            } else {
                Invalid::new("polygon", "", msg!("与其他社区的边界重叠"))
            }
            .into());
        }
    }
    Ok(())
}

/// Refuses a grid that leaves its community's boundary, where one is drawn, or reaches into
/// another community's.
pub(crate) async fn check_grid(
    tx: &mut Tx,
    actor: &Actor,
    community: &OrgRow,
    grid: &Polygon,
) -> Result<(), OpsError> {
    refuse_overlapping_boundary(tx, actor, community.id, grid).await?;
    if let Some(b) = store::of(tx, community.id).await?
        && parse_geometry(&b.geometry).is_ok_and(|p| !grid.within(&p))
    {
        return Err(Invalid::new(
            "polygon",
            &community.code,
            msg!("网格应在{name}的边界之内", name = community.name.as_str()),
        )
        .into());
    }
    Ok(())
}
