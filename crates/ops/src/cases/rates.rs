//! The rates (三率 and more) over the counts kept on write: by scope, street, department,
//! category or month, for a range of months.

use crate::orgs::by_code;
use crate::{Actor, OpsError};
use jiceng_domain::clock;
use jiceng_domain::{Invalid, msg};
use jiceng_store::cases::{self as store, By, StatsRow};
use jiceng_store::{Db, orgs};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RatesQuery {
    /// First and last month, as 2026-01; the last twelve months by default.
    pub from: Option<String>,
    pub to: Option<String>,
    /// all, street, department, category or month.
    pub by: Option<String>,
    /// A street org's code.
    pub street: Option<String>,
    /// A department's code.
    pub department: Option<String>,
}

/// One line of a breakdown: its counts and the rates from them (None where nothing counts).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RateLine {
    pub key: String,
    pub label: String,
    /// The street's org code, the department's or the category's code: what a case list
    /// filters by to show the cases behind the line.
    pub code: Option<String>,
    #[serde(flatten)]
    pub counts: Counts,
    /// 响应率: accepted within the response limit, of dispatched.
    pub response_rate: Option<f64>,
    /// 解决率: closed, of received.
    pub resolution_rate: Option<f64>,
    /// 满意率: satisfied or basically satisfied, of followed up.
    pub satisfaction_rate: Option<f64>,
    /// 按期结案率: closed by the deadline, of closed.
    pub on_time_rate: Option<f64>,
    /// 返工率: reworked at least once, of closed.
    pub rework_rate: Option<f64>,
    /// 回退率: returned at least once, of dispatched.
    pub return_rate: Option<f64>,
    /// Average minutes from intake to closing.
    pub average_minutes: Option<f64>,
}

fn share(n: i64, of: i64) -> Option<f64> {
    (of > 0).then(|| n as f64 / of as f64)
}

pub(crate) fn line(counts: StatsRow, label: String, code: Option<String>) -> RateLine {
    let c = &counts;
    RateLine {
        key: c.key.clone(),
        label,
        code,
        response_rate: share(c.responded_on_time, c.dispatched),
        resolution_rate: share(c.closed, c.received),
        satisfaction_rate: share(c.satisfied, c.followed_up),
        on_time_rate: share(c.closed_on_time, c.closed),
        rework_rate: share(c.reworked, c.closed),
        return_rate: share(c.returned, c.dispatched),
        average_minutes: (c.closed > 0).then(|| c.handling_minutes as f64 / c.closed as f64),
        counts: counts.into(),
    }
}

fn month(field: &'static str, raw: &str) -> Result<i64, Invalid> {
    let bad = || Invalid::new(field, raw, msg!("月份应写作 2026-01"));
    let (y, m) = raw.trim().split_once('-').ok_or_else(bad)?;
    let (y, m): (i64, i64) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if !(1..=12).contains(&m) || !(2000..=2100).contains(&y) {
        return Err(bad());
    }
    Ok(y * 100 + m)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Rates {
    pub from: i64,
    pub to: i64,
    pub by: String,
    pub total: RateLine,
    pub lines: Vec<RateLine>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "rates"))]
pub async fn rates(db: &Db, actor: &Actor, q: RatesQuery) -> Result<Rates, OpsError> {
    compute(db, Some(actor), q).await
}

/// The rates anyone may see (晾晒): by any street or department, with no personal data in
/// them, so no scope applies.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "public"))]
pub async fn public(db: &Db, q: RatesQuery) -> Result<Rates, OpsError> {
    compute(db, None, q).await
}

async fn compute(db: &Db, actor: Option<&Actor>, q: RatesQuery) -> Result<Rates, OpsError> {
    let today = clock::today();
    let this = i64::from(chrono::Datelike::year(&today)) * 100
        + i64::from(chrono::Datelike::month(&today));
    let to = match crate::input::opt(&q.to) {
        Some(t) => month("to", t)?,
        None => this,
    };
    let from = match crate::input::opt(&q.from) {
        Some(f) => month("from", f)?,
        None => {
            if to % 100 == 12 {
                to - 11
            } else {
                to - 100 + 1
            }
        }
    };
    let by = match crate::input::opt(&q.by).unwrap_or("street") {
        "all" => By::All,
        "street" => By::Street,
        "department" => By::Department,
        "category" => By::Category,
        "month" => By::Month,
        other => {
            return Err(Invalid::new(
                "by",
                other,
                msg!("应为 all、street、department、category 或 month"),
            )
            .into());
        }
    };
    let mut tx = db.read().await?;
    // A scoped account sees its own street's figures: the counts are kept per street.
    let mut street = match crate::input::opt(&q.street) {
        Some(code) => {
            // The public figures name any street; an account names one it may read.
            Some(match actor {
                Some(a) => by_code(&mut tx, a, "street", code).await?,
                None => crate::orgs::anywhere(&mut tx, "street", code).await?,
            })
        }
        None => None,
    };
    let scope = actor.map_or("/", |a| a.scope_path());
    if street.is_none() && scope != "/" {
        let ids = jiceng_domain::OrgPath(scope.to_string()).ids();
        for id in ids {
            if let Some(o) = orgs::by_id(&mut tx, id).await?
                && o.level == jiceng_domain::OrgLevel::Street
            {
                street = Some(o);
            }
        }
    }
    let department = match crate::input::opt(&q.department) {
        Some(code) => Some(super::departments::by_code(&mut tx, "department", code).await?),
        None => None,
    };
    let street_id = street.as_ref().map(|s| s.id);
    let dept_id = department.as_ref().map(|d| d.id);
    let total = store::stats(&mut tx, from, to, street_id, dept_id, By::All)
        .await?
        .pop()
        .unwrap_or_else(|| StatsRow {
            key: "all".into(),
            ..StatsRow::default()
        });
    let rows = store::stats(&mut tx, from, to, street_id, dept_id, by).await?;
    let names = labels(&mut tx, by, &rows).await?;
    let lines = rows
        .into_iter()
        .map(|r| {
            let (label, code) = names
                .iter()
                .find(|(k, ..)| *k == r.key)
                .map_or((r.key.clone(), None), |(_, l, c)| (l.clone(), c.clone()));
            line(r, label, code)
        })
        .collect();
    Ok(Rates {
        from,
        to,
        by: q.by.unwrap_or_else(|| "street".into()),
        total: line(total, "合计".into(), None),
        lines,
    })
}

/// Names for the keys of a breakdown: streets and departments by name, categories by label.
async fn labels(
    tx: &mut jiceng_store::Tx,
    by: By,
    rows: &[StatsRow],
) -> Result<Vec<(String, String, Option<String>)>, OpsError> {
    let mut out = Vec::new();
    match by {
        By::Street => {
            for r in rows {
                let org = match r.key.parse::<i64>() {
                    Ok(id) if id > 0 => orgs::by_id(tx, id).await?,
                    _ => None,
                };
                let (name, code) = org.map_or(("未归属街道".to_string(), None), |o| {
                    (o.name, Some(o.code))
                });
                out.push((r.key.clone(), name, code));
            }
        }
        By::Department => {
            let all = store::departments(tx).await?;
            for r in rows {
                let d = all.iter().find(|d| d.id.to_string() == r.key);
                out.push((
                    r.key.clone(),
                    d.map_or_else(|| "社区、街道自办".to_string(), |d| d.name.clone()),
                    d.map(|d| d.code.clone()),
                ));
            }
        }
        By::Category => {
            let c = super::settings::classification_in(tx).await?;
            for r in rows {
                let name = c
                    .categories
                    .iter()
                    .find(|x| x.code == r.key)
                    .map_or(r.key.clone(), |x| x.name.clone());
                out.push((r.key.clone(), name, Some(r.key.clone())));
            }
        }
        By::All | By::Month => {}
    }
    Ok(out)
}

/// Summed counts for one group of a breakdown.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Counts {
    pub key: String,
    pub received: i64,
    pub dispatched: i64,
    pub responded_on_time: i64,
    pub returned: i64,
    pub closed: i64,
    pub closed_on_time: i64,
    pub reworked: i64,
    pub handling_minutes: i64,
    pub followed_up: i64,
    pub satisfied: i64,
}

impl From<jiceng_store::cases::StatsRow> for Counts {
    fn from(r: jiceng_store::cases::StatsRow) -> Self {
        Counts {
            key: r.key,
            received: r.received,
            dispatched: r.dispatched,
            responded_on_time: r.responded_on_time,
            returned: r.returned,
            closed: r.closed,
            closed_on_time: r.closed_on_time,
            reworked: r.reworked,
            handling_minutes: r.handling_minutes,
            followed_up: r.followed_up,
            satisfied: r.satisfied,
        }
    }
}
