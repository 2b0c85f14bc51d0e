//! Patrols (走访巡查): grid workers log their walks; each day's minutes are measured against
//! the daily target; a finding becomes a case in one step, routed to the patrol's grid.

use crate::cases::intake::{self, NewCase};
use crate::cases::settings;
use crate::input::{opt, required};
use crate::{Actor, OpsError, Page};
use chrono::Duration;
use jiceng_domain::cases::{CaseStatus, patrol};
use jiceng_domain::clock;
use jiceng_domain::{Invalid, msg, text};
use jiceng_store::cases::{self as cases_store};
use jiceng_store::keyset::Scope;
use jiceng_store::patrols::{self as store, NewPatrol, PatrolRow};
use jiceng_store::{Db, audit, orgs};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewPatrolInput {
    /// The grid's code.
    pub grid: Option<String>,
    /// Local (Shanghai) times, as 2026-11-23T08:30 or 2026-11-23 08:30.
    pub started_at: Option<String>,
    pub ended_at: Option<String>,
    pub visits: Option<i64>,
    pub findings: Option<String>,
    /// Optional track points, as GeoJSON-style [lon, lat] pairs.
    pub track: Option<serde_json::Value>,
}

/// Grid workers patrol the grids of their community; dispatchers may log for them.
fn may_patrol(actor: &Actor, community_path: &str) -> Result<(), OpsError> {
    actor.may_work_grid(community_path)
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "record"))]
pub async fn record(db: &Db, actor: &Actor, new: NewPatrolInput) -> Result<Patrol, OpsError> {
    let code = required("grid", &new.grid)?.to_string();
    let started =
        jiceng_domain::text::local_time("started_at", required("started_at", &new.started_at)?)?;
    let ended = jiceng_domain::text::local_time("ended_at", required("ended_at", &new.ended_at)?)?;
    let visits = new.visits.unwrap_or(0);
    let minutes = patrol::check(started, ended, visits, clock::now())?;
    let findings = opt(&new.findings)
        .map(|f| text::long("findings", f, 2000))
        .transpose()?;
    let track = match &new.track {
        None | Some(serde_json::Value::Null) => None,
        Some(t) => {
            let points: Vec<[f64; 2]> = serde_json::from_value(t.clone())
                .map_err(|_| Invalid::new("track", "…", msg!("轨迹应为 [经度, 纬度] 的数组")))?;
            if points.len() > 5000 {
                return Err(
                    Invalid::new("track", points.len(), msg!("轨迹点不能超过 5000 个")).into(),
                );
            }
            Some(serde_json::to_string(&points).expect("serialises"))
        }
    };
    let mut tx = db.write().await?;
    let (grid, community) = super::policy::named(&mut tx, actor, "grid", &code).await?;
    may_patrol(actor, &community.path)?;
    let by = actor.audit_name();
    let id = store::insert(
        &mut tx,
        &NewPatrol {
            grid_id: grid.id,
            worker_user_id: match actor {
                Actor::User(u) => Some(u.id),
                Actor::Operator { .. } => None,
            },
            worker: &by,
            started_at: started,
            ended_at: ended,
            minutes,
            visits,
            findings: findings.as_deref(),
            track: track.as_deref(),
        },
    )
    .await?;
    let row = store::by_id(&mut tx, id).await?.expect("just written");
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &by,
            operation: "patrol.add",
            target: &format!("patrol:{id}"),
            path: Some(&community.path),
            before: None,
            after: serde_json::to_string(&row).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(row.into())
}

/// One worker's day: minutes patrolled against the target.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Day {
    pub minutes: i64,
    pub target_minutes: i64,
    pub progress: f64,
    pub visits: i64,
    /// The actor's patrols of the last seven days, newest first.
    pub patrols: Vec<Patrol>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "my_day"))]
pub async fn my_day(db: &Db, actor: &Actor) -> Result<Day, OpsError> {
    let mut tx = db.read().await?;
    let target = i64::from(settings::classification_in(&mut tx).await?.patrol_minutes);
    let midnight = clock::start_of(clock::today());
    let me = actor.audit_name();
    // A worker logs a handful of patrols a day: a week's fit one read.
    let patrols = store::list(
        &mut tx,
        &Scope::All,
        Some(&me),
        midnight - Duration::days(6),
        None,
        200,
    )
    .await?;
    let today: Vec<&PatrolRow> = patrols
        .iter()
        .filter(|p| p.started_at >= midnight)
        .collect();
    let minutes = today.iter().map(|p| p.minutes).sum();
    Ok(Day {
        minutes,
        target_minutes: target,
        progress: patrol::progress(minutes, target),
        visits: today.iter().map(|p| p.visits).sum(),
        patrols: patrols.into_iter().map(Into::into).collect(),
    })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScopePatrols {
    /// The last so many days (1–92), 7 unless asked.
    pub days: Option<i64>,
    /// The `next` of the page before.
    pub after: Option<String>,
    /// Rows a page, 50 unless asked (1–500).
    pub limit: Option<i64>,
}

/// A supervisor's view: patrols in the scope over the last days, newest first, by keyset.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "within"))]
pub async fn within(db: &Db, actor: &Actor, q: ScopePatrols) -> Result<Page<Patrol>, OpsError> {
    actor.may_read(actor.scope_path())?;
    let since = clock::now() - Duration::days(q.days.unwrap_or(7).clamp(1, 92));
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let after = jiceng_domain::keyset::read(opt(&q.after))?;
    let mut tx = db.read().await?;
    let scope = crate::orgs::scope_of(&mut tx, actor.scope_path()).await?;
    let rows = store::list(&mut tx, &scope, None, since, after, limit + 1).await?;
    Ok(Page::keyset(
        rows,
        limit,
        |r| (r.started_at, r.id),
        Into::into,
    ))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct FindingCase {
    pub category: Option<String>,
    pub urgency: Option<String>,
    /// Defaults to the patrol's findings.
    pub title: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
}

/// Turns a patrol's finding into a case in one step, in the patrol's grid, and links them.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "to_case"))]
pub async fn to_case(
    db: &Db,
    actor: &Actor,
    patrol_id: i64,
    f: FindingCase,
) -> Result<crate::cases::views::Case, OpsError> {
    let p = store::by_id(&mut db.read().await?, patrol_id)
        .await?
        .ok_or_else(|| OpsError::not_found("巡查记录", patrol_id))?;
    // Another beat's patrol answers as one that does not exist.
    if !actor.reaches_as_grid_worker(&p.community_path, false) {
        actor.reach(&p.community_path, "巡查记录", patrol_id)?;
    }
    may_patrol(actor, &p.community_path)?;
    let grid = cases_store::grid_by_code(&mut db.read().await?, &p.grid_code)
        .await?
        .ok_or_else(|| OpsError::not_found("网格", &p.grid_code))?;
    let (lon, lat) = match (f.lon, f.lat) {
        (Some(x), Some(y)) => (x, y),
        _ => crate::grids::parse_geometry(&grid.geometry)?.interior_point(),
    };
    let title = opt(&f.title)
        .map(str::to_string)
        .or_else(|| p.findings.clone().map(|x| x.chars().take(100).collect()))
        .ok_or_else(|| Invalid::new("title", "", msg!("必填")))?;
    let new = NewCase {
        channel: Some("grid_worker".into()),
        category: f.category,
        urgency: f.urgency,
        title: Some(title),
        description: p.findings.clone(),
        lon: Some(lon),
        lat: Some(lat),
        ..NewCase::default()
    };
    let prepared = intake::prepare(db, actor, new).await?;
    let mut tx = db.write().await?;
    let mut no_photos = crate::cases::photos::Written::default();
    let row = intake::write_in(&mut tx, vec![prepared], None, &mut no_photos)
        .await?
        .pop()
        .expect("one case")?;
    store::link_case(&mut tx, p.id, row.id).await?;
    tx.commit().await?;
    Ok(row.into())
}

/// The subtree an actor patrols: their scope, or for a grid worker scoped to a grid branch,
/// the branch's community. Nobody else climbs above their scope.
async fn beat(tx: &mut jiceng_store::Tx, actor: &Actor) -> Result<String, OpsError> {
    let scope = actor.scope_path().to_string();
    if !actor.is_grid_worker() || !cases_store::grids_within(tx, &scope).await?.is_empty() {
        return Ok(scope);
    }
    for id in jiceng_domain::OrgPath(scope.clone())
        .ids()
        .into_iter()
        .rev()
    {
        if let Some(o) = orgs::by_id(tx, id).await?
            && o.level == jiceng_domain::OrgLevel::Community
        {
            return Ok(o.path);
        }
    }
    Ok(scope)
}

/// The grids an actor patrols: those of their [`beat`].
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "my_grids"))]
pub async fn my_grids(db: &Db, actor: &Actor) -> Result<Vec<crate::grids::Grid>, OpsError> {
    let mut tx = db.read().await?;
    let path = beat(&mut tx, actor).await?;
    Ok(cases_store::grids_within(&mut tx, &path)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// What waits on a grid worker in their grids: cases handled and waiting for verification,
/// and every other case still open there, newest first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MyCases {
    pub verifying: Vec<crate::cases::views::CaseView>,
    pub open: Vec<crate::cases::views::CaseView>,
}

/// At most this many of each list.
pub const MY_CASES: i64 = 50;

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "my_cases"))]
pub async fn my_cases(db: &Db, actor: &Actor) -> Result<MyCases, OpsError> {
    if !actor.is_grid_worker() {
        actor.may_read(actor.scope_path())?;
    }
    let mut tx = db.read().await?;
    let path = beat(&mut tx, actor).await?;
    let share = settings::classification_in(&mut tx).await?.warn_share;
    let scope = crate::orgs::scope_of(&mut tx, &path).await?;
    let mut list = async |statuses: &[CaseStatus]| {
        let f = cases_store::CaseFilter {
            scope: scope.clone(),
            statuses: statuses.iter().map(|s| s.code().to_string()).collect(),
            ..Default::default()
        };
        cases_store::list(&mut tx, &f, None, MY_CASES)
            .await
            .map(|rows| {
                rows.into_iter()
                    .map(|r| crate::cases::views::view(r, share))
                    .collect::<Vec<_>>()
            })
    };
    use CaseStatus::*;
    let verifying = list(&[Verifying]).await?;
    let open = list(&[Received, Registered, Dispatched, Handling, Suspended]).await?;
    Ok(MyCases { verifying, open })
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Patrol {
    pub id: i64,
    pub grid_id: i64,
    pub grid_code: String,
    pub grid_name: String,
    pub community_path: String,
    pub worker: String,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub ended_at: chrono::DateTime<chrono::Utc>,
    pub minutes: i64,
    pub visits: i64,
    pub findings: Option<String>,
    pub track: Option<String>,
    pub cases: i64,
}

impl From<jiceng_store::patrols::PatrolRow> for Patrol {
    fn from(r: jiceng_store::patrols::PatrolRow) -> Self {
        Patrol {
            id: r.id,
            grid_id: r.grid_id,
            grid_code: r.grid_code,
            grid_name: r.grid_name,
            community_path: r.community_path,
            worker: r.worker,
            started_at: r.started_at,
            ended_at: r.ended_at,
            minutes: r.minutes,
            visits: r.visits,
            findings: r.findings,
            track: r.track,
            cases: r.cases,
        }
    }
}
