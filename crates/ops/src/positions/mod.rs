//! 阵地: service positions registered where they stand (a point), how large they are, their
//! rooms, facilities and opening hours, and the org (or unit) that runs them; each flagged
//! when below the floor-area standard for its kind and place. The N-minute service circle
//! and where to put the next position are in `circle.rs`; the standards in `standards.rs`.

pub mod circle;
pub mod policy;
pub mod standards;

use crate::input::{opt, required};
use crate::{Actor, OpsError, Page};
use jiceng_domain::positions::{self, PositionKind};
use jiceng_domain::{Invalid, msg, text};
use jiceng_store::positions::{self as store, NewPosition, PositionRow};
use jiceng_store::{Db, audit};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Position {
    pub id: i64,
    pub kind: PositionKind,
    pub name: String,
    pub org_id: i64,
    pub org_name: String,
    #[serde(skip)]
    pub org_path: String,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub lon: f64,
    pub lat: f64,
    pub area_m2: i64,
    pub rooms: Option<String>,
    pub facilities: Option<String>,
    /// Opening hours as written ("周一至周五 8:30–17:30").
    pub hours: Option<String>,
    /// The floor-area standard for its kind and place, if one is set.
    pub standard_m2: Option<i64>,
    /// Smaller than its standard.
    pub below_standard: bool,
}

impl Position {
    pub(crate) fn of(r: PositionRow, standards: &[(String, String, i64)]) -> Position {
        let standard_m2 = positions::standard(
            standards
                .iter()
                .map(|(p, k, m)| (p.as_str(), k.as_str(), *m)),
            r.kind,
            &r.org_path,
        );
        Position {
            id: r.id,
            kind: r.kind,
            name: r.name,
            org_id: r.org_id,
            org_name: r.org_name,
            org_path: r.org_path,
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            lon: r.lon,
            lat: r.lat,
            below_standard: standard_m2.is_some_and(|s| r.area_m2 < s),
            area_m2: r.area_m2,
            rooms: r.rooms,
            facilities: r.facilities,
            hours: r.hours,
            standard_m2,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewPositionInput {
    /// centre, micro, branch_home, orglife_base, red_reading, member_station or mobile_home.
    pub kind: Option<String>,
    pub name: Option<String>,
    /// The code of the org that runs it.
    pub org: Option<String>,
    /// A stationed unit that runs it with the org, if any.
    pub unit_id: Option<i64>,
    /// Where it stands (WGS-84).
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub area_m2: Option<i64>,
    pub rooms: Option<String>,
    pub facilities: Option<String>,
    pub hours: Option<String>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "register_position"))]
pub async fn register(db: &Db, actor: &Actor, new: NewPositionInput) -> Result<Position, OpsError> {
    let kind = PositionKind::parse(required("kind", &new.kind)?)?;
    let name = text::name("name", required("name", &new.name)?, 60)?;
    let lon = new
        .lon
        .filter(|x| (73.0..=136.0).contains(x))
        .ok_or_else(|| Invalid::new("lon", dash(new.lon), msg!("应为中国境内的经度")))?;
    let lat = new
        .lat
        .filter(|y| (3.0..=54.0).contains(y))
        .ok_or_else(|| Invalid::new("lat", dash(new.lat), msg!("应为中国境内的纬度")))?;
    let area = positions::area(
        new.area_m2
            .ok_or_else(|| Invalid::new("area_m2", "", msg!("必填")))?,
    )?;
    let long = |field: &'static str, v: &Option<String>| {
        opt(v).map(|s| text::long(field, s, 300)).transpose()
    };
    let (rooms, facilities) = (
        long("rooms", &new.rooms)?,
        long("facilities", &new.facilities)?,
    );
    let hours = opt(&new.hours)
        .map(|h| text::name("hours", h, 60))
        .transpose()?;
    let code = required("org", &new.org)?;
    let mut tx = db.write().await?;
    let org = crate::orgs::policy::named(&mut tx, actor, "org", code).await?;
    policy::may_register(actor, &org.path)?;
    if let Some(unit) = new.unit_id {
        crate::units::policy::named(&mut tx, actor, "unit_id", unit).await?;
    }
    let id = store::insert(
        &mut tx,
        &NewPosition {
            kind,
            name: &name,
            org_id: org.id,
            org_path: &org.path,
            unit_id: new.unit_id,
            point: (lon, lat),
            area_m2: area,
            rooms: rooms.as_deref(),
            facilities: facilities.as_deref(),
            hours: hours.as_deref(),
            by: &actor.audit_name(),
        },
    )
    .await?;
    let p = policy::resolve(&mut tx, actor, id).await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "position.register",
            target: &format!("position:{id}"),
            path: Some(&org.path),
            before: None,
            after: serde_json::to_string(&p).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(p)
}

fn dash(v: Option<f64>) -> String {
    v.map_or_else(String::new, |x| x.to_string())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListPositions {
    /// An org code within the actor's scope; the whole scope by default.
    pub within: Option<String>,
    pub kind: Option<String>,
    /// The `next` of the page before.
    pub after: Option<String>,
    /// Rows a page, 50 unless asked (1–500).
    pub limit: Option<i64>,
}

/// The positions run from a scope, by org.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "list_positions"))]
pub async fn list(db: &Db, actor: &Actor, q: ListPositions) -> Result<Page<Position>, OpsError> {
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let kind = opt(&q.kind).map(PositionKind::parse).transpose()?;
    let after = crate::input::path_cursor(&q.after)?;
    let mut tx = db.read().await?;
    let path = crate::orgs::within_path(&mut tx, actor, &q.within).await?;
    crate::input::cursor_within(&after, &path)?;
    let rows = store::within(&mut tx, &path, kind, after, limit + 1).await?;
    let standards = store::standards(&mut tx).await?;
    Ok(Page::after_last(
        rows,
        limit,
        |r| format!("{}~{}", r.org_path, r.id),
        |r| Position::of(r, &standards),
    ))
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "position"))]
pub async fn show(db: &Db, actor: &Actor, id: i64) -> Result<Position, OpsError> {
    let mut tx = db.read().await?;
    policy::resolve(&mut tx, actor, id).await
}
