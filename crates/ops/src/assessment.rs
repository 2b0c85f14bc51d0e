//! Quarterly assessment of party organisations from their records: meeting compliance,
//! attendance and 双报到 of their employed members, 双向评价 grades, cases closed on time and
//! co-building commitments fulfilled on time, weighted into a score with stars; the
//! bottom 5% are flagged weak, and a rectification is recorded and followed up.

use crate::input::required;
use crate::orglife::compliance;
use crate::orgs::by_code;
use crate::{Actor, OpsError};
use chrono::Datelike;
use jiceng_domain::assessment::{self, Parts, RectificationStatus, Weights};
use jiceng_domain::clock;
use jiceng_domain::evaluations::{Grade, mean_share};
use jiceng_domain::orglife::Period;
use jiceng_domain::{Categories, Category, Invalid, msg, text};
use jiceng_store::assessment::{self as store, RectificationRow};
use jiceng_store::{Db, Tx, audit, evaluations, points};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

const WEIGHTS: &str = "assessment.weights";

async fn weights_in(tx: &mut Tx) -> Result<Weights, OpsError> {
    Ok(match store::setting(tx, WEIGHTS).await? {
        Some(v) => serde_json::from_str(&v)
            .map_err(|e| OpsError::Store(jiceng_store::StoreError::Other(e.to_string())))?,
        None => Weights::default(),
    })
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "weights"))]
pub async fn weights(db: &Db) -> Result<Weights, OpsError> {
    weights_in(&mut db.read().await?).await
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "set_weights"))]
pub async fn set_weights(db: &Db, actor: &Actor, w: Weights) -> Result<Weights, OpsError> {
    actor.may_administer()?;
    w.validate()?;
    let mut tx = db.write().await?;
    let before = weights_in(&mut tx).await?;
    let value = serde_json::to_string(&w).expect("weights serialise");
    store::set_setting(&mut tx, WEIGHTS, &value).await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "assessment.weights",
            target: "setting:assessment.weights",
            path: None,
            before: serde_json::to_string(&before).ok(),
            after: Some(value),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(w)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrgScore {
    pub rank: usize,
    pub org: crate::orglife::compliance::ReportOrg,
    pub score: Option<f64>,
    pub stars: Option<u8>,
    pub compliance: Option<f64>,
    pub attendance: Option<f64>,
    pub registration: Option<f64>,
    pub evaluation: Option<f64>,
    pub cases: Option<f64>,
    pub commitments: Option<f64>,
    pub weak: bool,
    pub rectification: Option<Rectification>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Assessment {
    pub period: String,
    pub weights: Weights,
    pub orgs: Vec<OrgScore>,
    pub weak: usize,
}

/// Every org owing meetings in the scope, scored for a quarter, best first.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "quarter"))]
pub async fn quarter(
    db: &Db,
    actor: &Actor,
    within: Option<&str>,
    period: &str,
) -> Result<Assessment, OpsError> {
    let p = Period::parse(period)?;
    if !matches!(p, Period::Quarter(..)) {
        return Err(Invalid::new(
            "period",
            period,
            msg!("考核按季度进行，应为 2026-Q3 这样的季度"),
        )
        .into());
    }
    if p.last_day() >= clock::today() {
        return Err(Invalid::new("period", period, msg!("该季度尚未结束")).into());
    }
    let report = compliance::report(db, actor, within, period).await?;
    let mut tx = db.read().await?;
    let path = match within.map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => {
            crate::orgs::policy::named(&mut tx, actor, "within", code)
                .await?
                .path
        }
        None => actor.scope_path().to_string(),
    };
    let w = weights_in(&mut tx).await?;
    // Employed and registered members per org, summed up the tree so a branch counts its groups.
    let employed =
        store::with_category_per_org(&mut tx, &path, Categories::bit(Category::Employed)).await?;
    let registered = store::registered_per_org(&mut tx, &path, p.first_day(), p.last_day()).await?;
    let parents = points::org_parents(&mut tx, &path).await?;
    let up = |direct: Vec<(i64, i64)>| -> HashMap<i64, i64> {
        let mut total: HashMap<i64, i64> = direct.into_iter().collect();
        for (id, parent) in parents.iter().rev() {
            if let (Some(n), Some(par)) = (total.get(id).copied(), parent) {
                *total.entry(*par).or_default() += n;
            }
        }
        total
    };
    let (employed, registered) = (up(employed), up(registered));
    let evaluation = received_grades(&mut tx, &path, p.first_day().year()).await?;
    // The quarter's bounds as instants in Shanghai.
    let (from, to) = (
        clock::start_of(p.first_day()),
        clock::start_of(p.last_day()) + chrono::Duration::days(1),
    );
    let cases: HashMap<i64, f64> = store::cases_closed_per_branch(&mut tx, &path, from, to)
        .await?
        .into_iter()
        .filter(|(_, closed, _)| *closed > 0)
        .map(|(org, closed, on_time)| (org, on_time as f64 / closed as f64))
        .collect();
    let mut due: HashMap<i64, (i64, i64)> = HashMap::new();
    for (org, n, on_time) in
        jiceng_store::cobuilding::due_per_org(&mut tx, &path, p.first_day(), p.last_day()).await?
    {
        let e = due.entry(org).or_default();
        *e = (e.0 + n, e.1 + on_time);
    }
    let commitments: HashMap<i64, f64> = due
        .into_iter()
        .filter(|(_, (n, _))| *n > 0)
        .map(|(org, (n, on_time))| (org, on_time as f64 / n as f64))
        .collect();
    let rect: HashMap<i64, RectificationRow> = store::of_period(&mut tx, &path, &p.to_string())
        .await?
        .into_iter()
        .map(|r| (r.org_id, r))
        .collect();
    let mut orgs: Vec<OrgScore> = report
        .orgs
        .into_iter()
        .map(|o| {
            let owed = o.met + o.missed.len();
            let emp = employed.get(&o.org.id).copied().unwrap_or(0);
            let parts = Parts {
                compliance: (owed > 0).then(|| o.met as f64 / owed as f64),
                attendance: (o.expected > 0).then(|| o.attended as f64 / o.expected as f64),
                registration: (emp > 0)
                    .then(|| registered.get(&o.org.id).copied().unwrap_or(0) as f64 / emp as f64),
                evaluation: evaluation.get(&o.org.id).copied(),
                cases: cases.get(&o.org.id).copied(),
                commitments: commitments.get(&o.org.id).copied(),
            };
            let score = assessment::score(&w, &parts);
            OrgScore {
                rank: 0,
                rectification: rect.get(&o.org.id).cloned().map(Into::into),
                org: o.org,
                stars: score.map(assessment::stars),
                score,
                compliance: parts.compliance,
                attendance: parts.attendance,
                registration: parts.registration,
                evaluation: parts.evaluation,
                cases: parts.cases,
                commitments: parts.commitments,
                weak: false,
            }
        })
        .collect();
    orgs.sort_by(|a, b| {
        b.score
            .unwrap_or(-1.0)
            .total_cmp(&a.score.unwrap_or(-1.0))
            .then(a.org.path.cmp(&b.org.path))
    });
    let scored = orgs.iter().filter(|o| o.score.is_some()).count();
    let cut = assessment::bottom_count(scored);
    for (i, o) in orgs.iter_mut().enumerate() {
        o.rank = i + 1;
        o.weak = o.score.is_some() && i >= scored - cut;
    }
    Ok(Assessment {
        period: p.to_string(),
        weights: w,
        weak: cut,
        orgs,
    })
}

/// Each org's mean 双向评价 grade from the evaluation of the quarter's year, or of the year
/// before while that year's has not been made: grades are given at the turn of the year.
async fn received_grades(
    tx: &mut Tx,
    path: &str,
    year: i32,
) -> Result<HashMap<i64, f64>, OpsError> {
    let mut by_org: HashMap<i64, (i32, Vec<Grade>)> = HashMap::new();
    for (org, y, grade, n) in evaluations::received_per_org(tx, path, (year - 1, year)).await? {
        let grade = Grade::parse(&grade)?;
        let e = by_org.entry(org).or_insert((y, Vec::new()));
        if y > e.0 {
            *e = (y, Vec::new());
        }
        if y == e.0 {
            e.1.extend(std::iter::repeat_n(grade, n as usize));
        }
    }
    Ok(by_org
        .into_iter()
        .filter_map(|(org, (_, grades))| mean_share(&grades).map(|m| (org, m)))
        .collect())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewRectification {
    pub org: Option<String>,
    pub period: Option<String>,
    pub plan: Option<String>,
}

/// Records the rectification of an org flagged weak in the period.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "open"))]
pub async fn open(
    db: &Db,
    actor: &Actor,
    new: NewRectification,
) -> Result<Rectification, OpsError> {
    let code = required("org", &new.org)?.to_string();
    let period = required("period", &new.period)?.to_string();
    let plan = text::long("plan", required("plan", &new.plan)?, 2_000)?;
    // The flag that counts is the one in the assessment of the actor's scope.
    let scope = quarter(db, actor, None, &period).await?;
    let this = scope
        .orgs
        .iter()
        .find(|o| o.org.code == code.trim())
        .ok_or_else(|| Invalid::new("org", &code, msg!("该组织不参加考核")))?;
    if !this.weak {
        return Err(Invalid::new("org", &code, msg!("该组织本期未被列为软弱涣散")).into());
    }
    let mut tx = db.write().await?;
    let org = by_code(&mut tx, actor, "org", &code).await?;
    actor.may_write(&org.path)?;
    let id = store::insert(
        &mut tx,
        org.id,
        &org.path,
        &period,
        this.score,
        &plan,
        &actor.audit_name(),
    )
    .await
    .map_err(|e| match e {
        jiceng_store::StoreError::Duplicate(_) => {
            OpsError::conflict("org", &code, msg!("该组织本期已有整改记录"))
        }
        e => e.into(),
    })?;
    let row = store::by_id(&mut tx, id).await?.expect("just written");
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "rectification.open",
            target: &format!("rectification:{id}"),
            path: Some(&org.path),
            before: None,
            after: serde_json::to_string(&row).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(row.into())
}

/// Records progress on a rectification, closing it (销号) when `close` is set.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "follow_up"))]
pub async fn follow_up(
    db: &Db,
    actor: &Actor,
    id: i64,
    progress: &str,
    close: bool,
) -> Result<Rectification, OpsError> {
    let progress = text::long("progress", progress, 2_000)?;
    if progress.is_empty() {
        return Err(Invalid::new("progress", "", msg!("必填")).into());
    }
    let mut tx = db.write().await?;
    let before = store::by_id(&mut tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("整改记录", id))?;
    actor.reach(&before.org_path, "整改记录", id)?;
    actor.may_write(&before.org_path)?;
    if before.status == RectificationStatus::Closed {
        return Err(OpsError::conflict("status", "closed", msg!("整改已销号")));
    }
    let by = actor.audit_name();
    store::follow_up(&mut tx, id, &progress, close.then_some(by.as_str())).await?;
    let after = store::by_id(&mut tx, id).await?.expect("just written");
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &by,
            operation: if close {
                "rectification.close"
            } else {
                "rectification.follow_up"
            },
            target: &format!("rectification:{id}"),
            path: Some(&after.org_path),
            before: serde_json::to_string(&before).ok(),
            after: serde_json::to_string(&after).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after.into())
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "show"))]
pub async fn show(db: &Db, actor: &Actor, id: i64) -> Result<Rectification, OpsError> {
    let mut tx = db.read().await?;
    let r = store::by_id(&mut tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("整改记录", id))?;
    actor.reach(&r.org_path, "整改记录", id)?;
    Ok(r.into())
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Rectification {
    pub id: i64,
    pub org_id: i64,
    pub org_code: String,
    pub org_name: String,
    pub org_path: String,
    pub period: String,
    pub score: Option<f64>,
    pub plan: String,
    pub progress: Option<String>,
    pub status: jiceng_domain::assessment::RectificationStatus,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub closed_by: Option<String>,
    pub closed_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<jiceng_store::assessment::RectificationRow> for Rectification {
    fn from(r: jiceng_store::assessment::RectificationRow) -> Self {
        Rectification {
            id: r.id,
            org_id: r.org_id,
            org_code: r.org_code,
            org_name: r.org_name,
            org_path: r.org_path,
            period: r.period,
            score: r.score,
            plan: r.plan,
            progress: r.progress,
            status: r.status,
            created_by: r.created_by,
            created_at: r.created_at,
            closed_by: r.closed_by,
            closed_at: r.closed_at,
        }
    }
}
