//! The figures of needs by scope and year, as Yiwu reports them: needs collected by top
//! category and their shares, the share met, and the median days from posting to meeting.
//! They are kept as needs change (`need_tallies`, `need_met_days`), per community, street,
//! district and the whole city, never counted over the needs.

use crate::{Actor, OpsError};
use jiceng_domain::needs::{self, NeedStatus};
use jiceng_domain::{Invalid, OrgLevel, msg};
use jiceng_store::needs::{self as store, NeedRow};
use jiceng_store::{Db, Tx, orgs};
use serde::{Deserialize, Serialize};

/// Adds a need to its figures: `collected` when it enters or leaves the needs collected,
/// `met` likewise; a need met adds its days to meet (a negative `met` takes them back).
pub(crate) async fn count(
    tx: &mut Tx,
    n: &NeedRow,
    collected: i64,
    met: i64,
) -> Result<(), OpsError> {
    let orgs = store::tally_orgs(n);
    store::tally(tx, &orgs, n.year, &n.top_category, collected, met).await?;
    if met != 0
        && let Some(on) = n.met_on
    {
        let days = needs::days_to_meet(n.posted_on, on);
        store::tally_days(tx, &orgs, n.year, days, met).await?;
    }
    Ok(())
}

/// The change a move makes to the figures: (collected, met) before and after.
pub(crate) fn weight(s: NeedStatus) -> (i64, i64) {
    (i64::from(s.collected()), i64::from(s == NeedStatus::Met))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    /// A community, street or district code within the actor's scope; the actor's scope by
    /// default.
    pub within: Option<String>,
    /// The year needs were posted in; this year by default.
    pub year: Option<i32>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CategoryFigure {
    pub category: String,
    pub name: String,
    pub collected: i64,
    /// Of all needs collected in the scope and year, 0–1.
    pub share: f64,
    pub met: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NeedFigures {
    /// The community, street or district; none for the whole city.
    pub scope_name: Option<String>,
    pub year: i32,
    /// Needs collected: reviewed and not merged into another (repeats count once).
    pub collected: i64,
    pub met: i64,
    /// Needs met of needs collected, 0–1; none when none were collected.
    pub share_met: Option<f64>,
    /// Median whole days from posting to meeting, over the needs met.
    pub median_days: Option<f64>,
    /// Resources drawn on by the year's projects (each once).
    pub resources_used: i64,
    pub by_category: Vec<CategoryFigure>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "need_figures"))]
pub async fn figures(db: &Db, actor: &Actor, q: FiguresQuery) -> Result<NeedFigures, OpsError> {
    let year = q
        .year
        .unwrap_or_else(|| chrono::Datelike::year(&jiceng_domain::clock::today()));
    let mut tx = db.read().await?;
    let org = match crate::input::opt(&q.within) {
        Some(code) => Some(crate::orgs::policy::named(&mut tx, actor, "within", code).await?),
        None => match actor.scope_path() {
            "/" => None,
            path => {
                let ids = jiceng_domain::path::OrgPath(path.to_string()).ids();
                let id = ids.last().copied().unwrap_or(0);
                orgs::by_id(&mut tx, id).await?
            }
        },
    };
    let (org_id, scope_name) = match &org {
        None => {
            actor.may_read("/")?;
            (0, None)
        }
        Some(o) => {
            actor.may_read(&o.path)?;
            if !matches!(
                o.level,
                OrgLevel::Community | OrgLevel::Street | OrgLevel::District
            ) {
                return Err(Invalid::new("within", &o.code, msg!("按社区、街道或区统计")).into());
            }
            (o.id, Some(o.name.clone()))
        }
    };
    let rows = store::tallies(&mut tx, org_id, i64::from(year)).await?;
    let days = store::met_days(&mut tx, org_id, i64::from(year)).await?;
    let names = store::categories(&mut tx).await?;
    let resources_used = jiceng_store::projects::uses(&mut tx, org_id, i64::from(year)).await?;
    let collected: i64 = rows.iter().map(|r| r.1).sum();
    let met: i64 = rows.iter().map(|r| r.2).sum();
    let share = |n: i64| (collected > 0).then(|| n as f64 / collected as f64);
    let mut by_category: Vec<CategoryFigure> = names
        .iter()
        .filter(|c| c.parent_code.is_none())
        .map(|c| {
            let (got, done) = rows
                .iter()
                .find(|r| r.0 == c.code)
                .map_or((0, 0), |r| (r.1, r.2));
            CategoryFigure {
                category: c.code.clone(),
                name: c.name.clone(),
                collected: got,
                share: share(got).unwrap_or(0.0),
                met: done,
            }
        })
        .collect();
    by_category.sort_by(|a, b| {
        b.collected
            .cmp(&a.collected)
            .then(a.category.cmp(&b.category))
    });
    Ok(NeedFigures {
        scope_name,
        year,
        collected,
        met,
        share_met: share(met),
        median_days: needs::median_days(&days),
        resources_used,
        by_category,
    })
}
