//! The N-minute service circle of a scope (服务圈): the share of its residential buildings and
//! households within 5, 10 and 15 minutes' walk of a position of the chosen kinds, and the
//! buildings beyond; and where k new positions would reach most of those (siting). The rules
//! are the domain's (`jiceng_domain::circle`); walking is reckoned with the detour factor and
//! speed asked (1.3 and 80 m a minute unless set), both shown with the figures.

use crate::input::opt;
use crate::{Actor, OpsError};
use jiceng_domain::circle::{self, Home, Walk, Within};
use jiceng_domain::positions::PositionKind;
use jiceng_domain::{Invalid, msg};
use jiceng_store::Db;
use jiceng_store::positions as store;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CircleQuery {
    /// An org code within the actor's scope; the whole scope by default.
    pub within: Option<String>,
    /// Kinds of position that count, comma-separated; every kind by default.
    pub kinds: Option<String>,
    /// Streets are longer than the straight line by this factor (1–3; 1.3 by default).
    pub detour: Option<f64>,
    /// Walking speed in metres a minute (30–150; 80 by default).
    pub speed: Option<f64>,
    /// Siting: how many new positions (1–20; 5 by default).
    pub k: Option<i64>,
    /// Siting: within how many minutes (5, 10 or 15; 15 by default).
    pub minutes: Option<i64>,
}

/// A residential building beyond the longest walk, for the map.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Beyond {
    pub place_id: i64,
    pub lon: f64,
    pub lat: f64,
    pub households: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CircleReport {
    pub detour: f64,
    pub speed: f64,
    pub positions: i64,
    pub buildings: i64,
    pub households: i64,
    /// Buildings and households within 5, 10 and 15 minutes.
    pub within: Vec<CircleBand>,
    /// Buildings beyond 15 minutes (the first 2,000 for the map) and how many in all.
    pub beyond: Vec<Beyond>,
    pub beyond_count: i64,
    /// Where the positions counted stand (longitude, latitude).
    pub position_points: Vec<(f64, f64)>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CircleBand {
    pub minutes: u32,
    pub buildings: i64,
    pub households: i64,
    /// Shares, 0–1 (none for a scope without buildings).
    pub building_share: Option<f64>,
    pub household_share: Option<f64>,
}

/// Buildings beyond a walk the map draws at most.
const BEYOND_SHOWN: usize = 2000;

struct Asked {
    path: String,
    kinds: Vec<PositionKind>,
    walk: Walk,
}

async fn asked(db: &Db, actor: &Actor, q: &CircleQuery) -> Result<Asked, OpsError> {
    let detour = q.detour.unwrap_or(1.3);
    if !(1.0..=3.0).contains(&detour) {
        return Err(Invalid::new("detour", detour, msg!("应在 1 到 3 之间")).into());
    }
    let speed = q.speed.unwrap_or(80.0);
    if !(30.0..=150.0).contains(&speed) {
        return Err(Invalid::new("speed", speed, msg!("应在每分钟 30 到 150 米之间")).into());
    }
    let kinds = opt(&q.kinds)
        .map(|raw| {
            raw.split(',')
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(PositionKind::parse)
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?
        .unwrap_or_default();
    let mut tx = db.read().await?;
    let path = crate::orgs::within_path(&mut tx, actor, &q.within).await?;
    Ok(Asked {
        path,
        kinds,
        walk: Walk { detour, speed },
    })
}

fn homes_of(rows: &[(f64, f64, i64, i64)]) -> Vec<Home> {
    rows.iter()
        .map(|(lon, lat, households, _)| Home {
            point: (*lon, *lat),
            households: *households,
        })
        .collect()
}

/// Seconds of arithmetic over a city's buildings, off the threads that answer requests.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, OpsError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(OpsError::internal)
}

fn share(n: i64, of: i64) -> Option<f64> {
    (of > 0).then(|| n as f64 / of as f64)
}

/// The coverage of a scope's buildings by its positions of the chosen kinds.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "service_circle"))]
pub async fn coverage(db: &Db, actor: &Actor, q: CircleQuery) -> Result<CircleReport, OpsError> {
    let a = asked(db, actor, &q).await?;
    let mut tx = db.read().await?;
    let rows = store::buildings(&mut tx, &a.path).await?;
    let sites = store::points(&mut tx, &a.path, &a.kinds).await?;
    drop(tx);
    let homes = homes_of(&rows);
    let (walk, at) = (a.walk, sites.clone());
    let c = blocking(move || circle::coverage(&homes, &at, &walk)).await?;
    let beyond: Vec<usize> = (0..c.nearest.len())
        .filter(|&i| c.nearest[i].is_none())
        .collect();
    Ok(CircleReport {
        detour: a.walk.detour,
        speed: a.walk.speed,
        positions: sites.len() as i64,
        buildings: c.buildings,
        households: c.households,
        within: c
            .within
            .iter()
            .map(|w: &Within| CircleBand {
                minutes: w.minutes,
                buildings: w.buildings,
                households: w.households,
                building_share: share(w.buildings, c.buildings),
                household_share: share(w.households, c.households),
            })
            .collect(),
        beyond_count: beyond.len() as i64,
        beyond: beyond
            .into_iter()
            .take(BEYOND_SHOWN)
            .map(|i| Beyond {
                place_id: rows[i].3,
                lon: rows[i].0,
                lat: rows[i].1,
                households: rows[i].2,
            })
            .collect(),
        position_points: sites,
    })
}

/// A suggested site for a new position.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Site {
    /// building, unit or grid (its centre).
    pub what: String,
    pub name: String,
    pub lon: f64,
    pub lat: f64,
    /// Households it adds, where it was chosen.
    pub adds: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SitingReport {
    pub detour: f64,
    pub speed: f64,
    pub minutes: u32,
    pub households: i64,
    /// Households within the walk today, and with the sites.
    pub today: i64,
    pub reached: i64,
    /// No choice of as many sites reaches more.
    pub bound: i64,
    pub sites: Vec<Site>,
    /// Candidates considered (buildings, units' places, grid centres).
    pub candidates: i64,
}

/// Where k new positions would reach most households beyond the walk.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "siting"))]
pub async fn siting(db: &Db, actor: &Actor, q: CircleQuery) -> Result<SitingReport, OpsError> {
    let k = q.k.unwrap_or(5);
    if !(1..=20).contains(&k) {
        return Err(Invalid::new("k", k, msg!("应为 1 到 20 处")).into());
    }
    let minutes = q.minutes.unwrap_or(15);
    if !circle::BANDS.iter().any(|b| i64::from(*b) == minutes) {
        return Err(Invalid::new("minutes", minutes, msg!("应为 5、10 或 15 分钟")).into());
    }
    let a = asked(db, actor, &q).await?;
    let mut tx = db.read().await?;
    let rows = store::buildings(&mut tx, &a.path).await?;
    let sites = store::points(&mut tx, &a.path, &a.kinds).await?;
    let candidates = store::sites(&mut tx, &a.path).await?;
    drop(tx);
    let homes = homes_of(&rows);
    let households = homes.iter().map(|h| h.households).sum();
    let points: Vec<(f64, f64)> = candidates.iter().map(|c| (c.2, c.3)).collect();
    let walk = a.walk;
    let s = blocking(move || {
        circle::siting(&homes, &sites, &points, k as usize, minutes as u32, &walk)
    })
    .await?;
    Ok(SitingReport {
        detour: a.walk.detour,
        speed: a.walk.speed,
        minutes: minutes as u32,
        households,
        today: s.today,
        reached: s.reached,
        bound: s.bound,
        sites: s
            .chosen
            .iter()
            .map(|(i, adds)| Site {
                what: candidates[*i].0.clone(),
                name: candidates[*i].1.clone(),
                lon: candidates[*i].2,
                lat: candidates[*i].3,
                adds: *adds,
            })
            .collect(),
        candidates: candidates.len() as i64,
    })
}
