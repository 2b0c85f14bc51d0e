//! 三会一课 compliance for a scope and a period: which orgs held what they owe, which missed
//! what, and attendance. Each org's held meetings are kept per month (`meeting_months`, one
//! row an org and month, recounted as meetings are written); the domain rule judges each org.

use crate::{Actor, OpsError};
use chrono::{Datelike, NaiveDate};
use jiceng_domain::clock;
use jiceng_domain::orglife::{self, Frequency, MeetingKind, Period, Rules, State};
use jiceng_domain::{OrgLevel, msg};
use jiceng_store::orglife::{self as store, SubjectOrg, month_key};
use jiceng_store::{Db, Tx, audit};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Missed {
    pub kind: &'static str,
    pub kind_label: &'static str,
    /// The month, quarter or year missed: "2026-08", "2026-Q3", "2026".
    pub slot: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrgCompliance {
    pub org: ReportOrg,
    pub complies: bool,
    pub met: usize,
    pub pending: usize,
    pub missed: Vec<Missed>,
    pub held: i64,
    /// Member attendances owed and given at the held meetings.
    pub expected: i64,
    pub attended: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KindSummary {
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub frequency: &'static str,
    pub met: usize,
    pub missed: usize,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ComplianceReport {
    pub period: String,
    pub orgs: Vec<OrgCompliance>,
    pub complying: usize,
    /// Share of orgs that comply, 0–1; none when no org owes anything.
    pub rate: Option<f64>,
    pub attendance_rate: Option<f64>,
    pub by_kind: Vec<KindSummary>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "rules_in"))]
pub async fn rules_in(tx: &mut Tx) -> Result<Rules, OpsError> {
    let rows = store::rules(tx).await?;
    Ok(Rules::from_rows(
        rows.iter()
            .map(|(k, l, f)| (k.as_str(), l.as_str(), f.as_str())),
    )?)
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "rules"))]
pub async fn rules(db: &Db) -> Result<Rules, OpsError> {
    let mut tx = db.read().await?;
    rules_in(&mut tx).await
}

/// Sets how often a kind of meeting is owed (or, with no frequency, that it is not owed).
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "set_rule"))]
pub async fn set_rule(
    db: &Db,
    actor: &Actor,
    kind: &str,
    level: &str,
    frequency: Option<&str>,
) -> Result<Rules, OpsError> {
    actor.may_administer()?;
    let kind = MeetingKind::parse(kind)?;
    let level = OrgLevel::parse(level)?;
    let frequency = frequency.map(Frequency::parse).transpose()?;
    let mut tx = db.write().await?;
    let before = store::rules(&mut tx).await?;
    store::set_rule(
        &mut tx,
        kind.code(),
        frequency.map(|f| (level.code(), f.code())),
    )
    .await?;
    let rules = rules_in(&mut tx).await?;
    let after = store::rules(&mut tx).await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "meeting_rule.set",
            target: &format!("meeting_rule:{}", kind.code()),
            path: None,
            before: serde_json::to_string(&before).ok(),
            after: serde_json::to_string(&after).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(rules)
}

/// Compliance of every org owing meetings within `within` (an org code; the actor's scope by
/// default) over `period` (2026, 2026-Q3, 2026-07).
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "report"))]
pub async fn report(
    db: &Db,
    actor: &Actor,
    within: Option<&str>,
    period: &str,
) -> Result<ComplianceReport, OpsError> {
    let period = Period::parse(period)?;
    let today = clock::today();
    if period.first_day() > today {
        return Err(jiceng_domain::Invalid::new("period", period, msg!("期间尚未开始")).into());
    }
    let mut tx = db.read().await?;
    let path = match within.map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => {
            crate::orgs::policy::named(&mut tx, actor, "within", code)
                .await?
                .path
        }
        None => actor.scope_path().to_string(),
    };
    actor.may_read(&path)?;
    let rules = rules_in(&mut tx).await?;
    let levels: Vec<&str> = rules.levels().iter().map(|l| l.code()).collect();
    let orgs = store::subject_orgs(&mut tx, &path, &levels).await?;
    let whole = crate::orgs::whole_tree(&mut tx, &path).await?;
    let held = store::month_tallies(
        &mut tx,
        (!whole).then_some(path.as_str()),
        month_key(period.first_day()),
        month_key(period.last_day()),
    )
    .await?;
    drop(tx);
    Ok(judge(&rules, orgs, &held, period, today))
}

fn month_start(key: i64) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt((key / 100) as i32, (key % 100) as u32, 1)
}

/// The pure part: each org's requirements from its held months.
fn judge(
    rules: &Rules,
    orgs: Vec<SubjectOrg>,
    held: &[store::MonthTally],
    period: Period,
    today: NaiveDate,
) -> ComplianceReport {
    let mut by_org: HashMap<i64, Vec<&store::MonthTally>> = HashMap::new();
    for h in held {
        by_org.entry(h.org_id).or_default().push(h);
    }
    let mut kinds: Vec<KindSummary> = rules
        .all()
        .iter()
        .map(|r| KindSummary {
            kind: r.kind.code(),
            kind_label: r.kind.label(),
            frequency: r.frequency.code(),
            met: 0,
            missed: 0,
        })
        .collect();
    let (mut expected_all, mut attended_all) = (0i64, 0i64);
    let mut out = Vec::with_capacity(orgs.len());
    for org in orgs {
        let level = org.level;
        let mine = by_org.remove(&org.id).unwrap_or_default();
        let dated: Vec<(MeetingKind, NaiveDate)> = mine
            .iter()
            .filter_map(|h| Some((h.kinds, month_start(h.month)?)))
            .flat_map(|(kinds, on)| MeetingKind::in_bits(kinds).map(move |k| (k, on)))
            .collect();
        let reqs = orglife::evaluate(rules, level, &dated, period, today);
        let mut missed = Vec::new();
        let (mut met, mut pending) = (0, 0);
        for r in &reqs {
            let k = kinds.iter_mut().find(|k| k.kind == r.kind.code());
            match r.state {
                State::Met => {
                    met += 1;
                    if let Some(k) = k {
                        k.met += 1;
                    }
                }
                State::Pending => pending += 1,
                State::Missed => {
                    if let Some(k) = k {
                        k.missed += 1;
                    }
                    missed.push(Missed {
                        kind: r.kind.code(),
                        kind_label: r.kind.label(),
                        slot: r.slot.to_string(),
                    });
                }
            }
        }
        let held_n: i64 = mine.iter().map(|h| h.held).sum();
        let expected: i64 = mine.iter().map(|h| h.expected).sum();
        let absent: i64 = mine.iter().map(|h| h.absent).sum();
        expected_all += expected;
        attended_all += expected - absent;
        out.push(OrgCompliance {
            complies: orglife::complies(&reqs),
            org: org.into(),
            met,
            pending,
            missed,
            held: held_n,
            expected,
            attended: expected - absent,
        });
    }
    let complying = out.iter().filter(|o| o.complies).count();
    ComplianceReport {
        period: period.to_string(),
        rate: (!out.is_empty()).then(|| complying as f64 / out.len() as f64),
        attendance_rate: (expected_all > 0).then(|| attended_all as f64 / expected_all as f64),
        complying,
        orgs: out,
        by_kind: kinds,
    }
}

/// The current quarter, the default period of the compliance pages.
pub fn current_quarter() -> String {
    let t = clock::today();
    format!("{}-Q{}", t.year(), (t.month() - 1) / 3 + 1)
}

/// An org that owes meetings: the fields compliance shows.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ReportOrg {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub level: jiceng_domain::OrgLevel,
    pub path: String,
    pub subtree_member_count: i64,
}

impl From<jiceng_store::orglife::SubjectOrg> for ReportOrg {
    fn from(r: jiceng_store::orglife::SubjectOrg) -> Self {
        ReportOrg {
            id: r.id,
            code: r.code,
            name: r.name,
            level: r.level,
            path: r.path,
            subtree_member_count: r.subtree_member_count,
        }
    }
}
