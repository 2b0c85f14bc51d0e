//! Member points (党员积分): the schemes (shipped defaults until a deployment stores its own),
//! manual entries with approval, a member's ledger, and rankings within a scope. Points from
//! records — meetings attended, unexcused absences, 双报到 — are computed from those records.

use crate::input::{opt, required};
use crate::{Actor, OpsError};
use jiceng_domain::clock;
use jiceng_domain::orglife::Period;
use jiceng_domain::path::OrgPath;
use jiceng_domain::points::calc::{self, Counts, Total};
use jiceng_domain::points::{
    EntryStatus, Scheme, SchemePeriod, Source, accrual_scheme, twelve_point_scheme,
};
use jiceng_domain::stints::{Transfer, stints};
use jiceng_domain::{Invalid, msg, text};
use jiceng_store::points::{self as store, NewEntry};
use jiceng_store::{Db, Tx, audit, members};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub(crate) mod kept;
mod ranking;
mod totals;

pub(crate) use ranking::own_place;
pub use ranking::{Ranked, Ranking, RankingQuery, WHOLE_MAX, keep, ranking, ranking_whole};

/// The deployment's schemes: stored ones replace the shipped scheme of the same code.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "schemes_in"))]
pub async fn schemes_in(tx: &mut Tx) -> Result<Vec<Scheme>, OpsError> {
    let mut out = vec![accrual_scheme(), twelve_point_scheme()];
    for (code, doc) in store::schemes(tx).await? {
        let s: Scheme = serde_json::from_str(&doc).map_err(|e| {
            OpsError::Store(jiceng_store::StoreError::Other(format!(
                "scheme {code}: {e}"
            )))
        })?;
        match out.iter_mut().find(|x| x.code == code) {
            Some(x) => *x = s,
            None => out.push(s),
        }
    }
    Ok(out)
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "schemes"))]
pub async fn schemes(db: &Db) -> Result<Vec<Scheme>, OpsError> {
    let mut tx = db.read().await?;
    schemes_in(&mut tx).await
}

async fn scheme_in(tx: &mut Tx, code: &str) -> Result<Scheme, OpsError> {
    schemes_in(tx)
        .await?
        .into_iter()
        .find(|s| s.code == code.trim())
        .ok_or_else(|| Invalid::new("scheme", code, msg!("没有这个积分方案")).into())
}

/// Stores a scheme (new, or replacing the shipped one) after the domain's checks.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "save_scheme"))]
pub async fn save_scheme(db: &Db, actor: &Actor, scheme: Scheme) -> Result<Scheme, OpsError> {
    actor.may_administer()?;
    scheme.validate()?;
    let mut tx = db.write().await?;
    let before = schemes_in(&mut tx)
        .await?
        .into_iter()
        .find(|s| s.code == scheme.code);
    let doc = serde_json::to_string(&scheme).expect("a scheme serialises");
    store::save_scheme(&mut tx, &scheme.code, &scheme.name, &doc).await?;
    kept::scheme(&mut tx, &scheme).await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "points.scheme",
            target: &format!("points_scheme:{}", scheme.code),
            path: None,
            before: before.and_then(|b| serde_json::to_string(&b).ok()),
            after: Some(doc),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(scheme)
}

/// The period key a scheme counts a date in: "2026" or "2026-Q3".
fn period_of(scheme: &Scheme, d: chrono::NaiveDate) -> Period {
    match scheme.period {
        SchemePeriod::Year => Period::Year(chrono::Datelike::year(&d)),
        SchemePeriod::Quarter => Period::quarter_of(d),
    }
}

/// Whether a period is one the scheme counts in.
fn fits(scheme: &Scheme, p: Period) -> bool {
    matches!(
        (scheme.period, p),
        (SchemePeriod::Year, Period::Year(_)) | (SchemePeriod::Quarter, Period::Quarter(..))
    )
}

fn parse_period(scheme: &Scheme, raw: Option<&str>) -> Result<Period, OpsError> {
    let p = match raw.map(str::trim).filter(|s| !s.is_empty()) {
        Some(r) => Period::parse(r)?,
        None => period_of(scheme, clock::today()),
    };
    if !fits(scheme, p) {
        return Err(Invalid::new("period", p, msg!("与积分方案的周期不符")).into());
    }
    Ok(p)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewPoints {
    pub scheme: Option<String>,
    pub item: Option<String>,
    pub member_id: Option<i64>,
    pub occurred_on: Option<String>,
    /// How many times (default 1): the item's points are multiplied.
    pub times: Option<i64>,
    pub note: Option<String>,
    pub evidence: Option<String>,
}

/// Enters manual points for a member, pending approval. Refused when the item does not come by
/// hand, evidence is missing where required, or the member's approved and pending points for
/// the item would pass its cap.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "add_entry"))]
pub async fn add_entry(db: &Db, actor: &Actor, new: NewPoints) -> Result<Entry, OpsError> {
    let member_id = new
        .member_id
        .ok_or_else(|| Invalid::new("member", "", msg!("必填")))?;
    let on = text::past_date(
        "occurred_on",
        required("occurred_on", &new.occurred_on)?,
        clock::today(),
    )?;
    let mut tx = db.write().await?;
    let scheme = scheme_in(&mut tx, required("scheme", &new.scheme)?).await?;
    let item = scheme
        .item(required("item", &new.item)?.trim())
        .ok_or_else(|| {
            Invalid::new(
                "item",
                new.item.clone().unwrap_or_default(),
                msg!("该方案没有这个积分项目"),
            )
        })?
        .clone();
    if item.source != Source::Manual {
        return Err(Invalid::new(
            "item",
            &item.code,
            msg!("该项目由记录自动计算，不能手工登记"),
        )
        .into());
    }
    let evidence = opt(&new.evidence)
        .map(|e| text::name("evidence", e, 200))
        .transpose()?;
    if item.evidence && evidence.is_none() {
        return Err(Invalid::new("evidence", "", msg!("该项目须附佐证材料")).into());
    }
    let times = new.times.unwrap_or(1);
    if !(1..=100).contains(&times) {
        return Err(Invalid::new("points", times, msg!("次数应在 1 到 100 之间")).into());
    }
    let points = item.points * times;
    let m = crate::members::policy::resolve(&mut tx, actor, member_id).await?;
    actor.may_write(&m.org_path)?;
    let period = period_of(&scheme, on).to_string();
    if let Some(cap) = item.cap {
        let so_far: i64 = store::entries_of(&mut tx, m.id, &scheme.code, &period)
            .await?
            .iter()
            .filter(|e| e.item == item.code && e.status != EntryStatus::Rejected)
            .map(|e| e.points)
            .sum();
        if (so_far + points).abs() > cap {
            return Err(Invalid::new(
                "points",
                points,
                msg!(
                    "超过该项目每期上限 {cap} 分（本期已登记 {so_far} 分）",
                    cap = cap,
                    so_far = so_far
                ),
            )
            .into());
        }
    }
    let note = opt(&new.note)
        .map(|n| text::long("note", n, 500))
        .transpose()?;
    let id = store::insert_entry(
        &mut tx,
        &NewEntry {
            scheme: &scheme.code,
            item: &item.code,
            member_id: m.id,
            member_path: &m.org_path,
            period: &period,
            occurred_on: on,
            points,
            note: note.as_deref(),
            evidence: evidence.as_deref(),
            created_by: &actor.audit_name(),
        },
    )
    .await?;
    let row = store::entry(&mut tx, id).await?.expect("just written");
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "points.enter",
            target: &format!("points_entry:{id}"),
            path: Some(&m.org_path),
            before: None,
            after: serde_json::to_string(&row).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(row.into())
}

/// Approves or rejects a pending entry; the person who entered it cannot decide it.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "decide"))]
pub async fn decide(db: &Db, actor: &Actor, id: i64, approve: bool) -> Result<Entry, OpsError> {
    let mut tx = db.write().await?;
    let e = store::entry(&mut tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("积分记录", id))?;
    actor.reach(&e.member_path, "积分记录", id)?;
    actor.may_write(&e.member_path)?;
    if e.created_by == actor.audit_name() {
        return Err(OpsError::Forbidden(msg!("不能审核自己登记的积分")));
    }
    let status = if approve { "approved" } else { "rejected" };
    if store::decide(&mut tx, id, status, &actor.audit_name()).await? == 0 {
        return Err(OpsError::conflict("status", e.status, msg!("该记录已审核")));
    }
    if approve {
        kept::entry(&mut tx, e.member_id, &e.scheme, &e.period).await?;
    }
    let after = store::entry(&mut tx, id).await?.expect("just written");
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: if approve {
                "points.approve"
            } else {
                "points.reject"
            },
            target: &format!("points_entry:{id}"),
            path: Some(&e.member_path),
            before: serde_json::to_string(&e).ok(),
            after: serde_json::to_string(&after).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after.into())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PendingQuery {
    /// The `next` of the page before.
    pub after: Option<String>,
    /// Rows a page, 50 unless asked (1–500).
    pub limit: Option<i64>,
}

/// The entries waiting for approval in the actor's scope, oldest first, by keyset.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "pending"))]
pub async fn pending(
    db: &Db,
    actor: &Actor,
    q: PendingQuery,
) -> Result<crate::Page<Entry>, OpsError> {
    let path = actor.scope_path().to_string();
    actor.may_write(&path)?;
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let after = jiceng_domain::keyset::read(opt(&q.after))?;
    let mut tx = db.read().await?;
    let rows = store::pending_within(&mut tx, &path, after, limit + 1).await?;
    Ok(crate::Page::keyset(
        rows,
        limit,
        |r| (r.created_at, r.id),
        Into::into,
    ))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemLine {
    pub item: String,
    pub name: String,
    pub source: &'static str,
    pub raw: i64,
    pub counted: i64,
    pub cap: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Ledger {
    pub scheme: String,
    pub scheme_name: String,
    pub period: String,
    pub member_id: i64,
    pub member_name: String,
    pub base: i64,
    pub total: i64,
    pub items: Vec<ItemLine>,
    /// The meetings behind the record-based items.
    pub meetings: Vec<LedgerMeeting>,
    pub entries: Vec<Entry>,
    pub registered: bool,
    /// The volunteer service behind the service-hours items.
    pub service: Vec<crate::service::Service>,
    /// The micro-wishes behind the wish items.
    pub wishes: Vec<crate::wishes::Wish>,
}

/// Raw points per item from a member's counts.
fn raw_points(scheme: &Scheme, c: Counts, manual: &HashMap<String, i64>) -> HashMap<String, i64> {
    scheme
        .items
        .iter()
        .map(|i| {
            (
                i.code.clone(),
                calc::raw(i, c, manual.get(&i.code).copied().unwrap_or(0)),
            )
        })
        .filter(|(_, n)| *n != 0)
        .collect()
}

/// A member's points for a period, line by line.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "ledger"))]
pub async fn ledger(
    db: &Db,
    actor: &Actor,
    member_id: i64,
    scheme: &str,
    period: Option<&str>,
) -> Result<Ledger, OpsError> {
    let mut tx = db.read().await?;
    let scheme = scheme_in(&mut tx, scheme).await?;
    let period = parse_period(&scheme, period)?;
    let m = crate::members::policy::resolve(&mut tx, actor, member_id).await?;
    let mut l = ledger_in(&mut tx, &scheme, period, m).await?;
    // Who made a wish (and how they rated it) is the community's to know, not the member's.
    l.wishes = l
        .wishes
        .into_iter()
        .map(|w| crate::wishes::policy::shown(actor, w))
        .collect();
    Ok(l)
}

/// A member's ledger, read in `tx`: also how a kept total is counted again for one member.
pub(crate) async fn ledger_in(
    tx: &mut Tx,
    scheme: &Scheme,
    period: Period,
    m: jiceng_store::members::MemberRow,
) -> Result<Ledger, OpsError> {
    // The meetings of each org the member belonged to, for the days they belonged to it.
    let transfers: Vec<Transfer> = members::transfers(tx, m.id)
        .await?
        .into_iter()
        .map(|t| (t.from_org_id, t.to_org_id, t.transferred_on))
        .collect();
    let mut meetings = Vec::new();
    for (org, from, to) in stints(m.org_id, &transfers, period.first_day(), period.last_day()) {
        let path = if org == m.org_id {
            m.org_path.clone()
        } else {
            match jiceng_store::orgs::by_id(tx, org).await? {
                Some(o) => o.path,
                None => continue,
            }
        };
        let orgs = OrgPath(path).ids();
        meetings.extend(store::member_meetings(tx, m.id, &orgs, from, to).await?);
    }
    let attended = meetings.iter().filter(|l| !l.absent).count() as i64;
    let unexcused = meetings
        .iter()
        .filter(|l| l.absent && l.reason.is_none())
        .count() as i64;
    let registered =
        store::member_registered(tx, m.id, period.first_day(), period.last_day()).await?;
    let service =
        jiceng_store::service::of_member(tx, m.id, period.first_day(), period.last_day()).await?;
    let service_hours =
        jiceng_domain::service::whole_hours(service.iter().map(|s| s.minutes).sum());
    let wishes =
        jiceng_store::wishes::fulfilled_by(tx, m.id, period.first_day(), period.last_day()).await?;
    let errands =
        jiceng_store::errands::confirmed_by(tx, m.id, period.first_day(), period.last_day())
            .await?
            .len() as i64;
    let entries = store::entries_of(tx, m.id, &scheme.code, &period.to_string()).await?;
    let mut manual: HashMap<String, i64> = HashMap::new();
    for e in entries.iter().filter(|e| e.status == EntryStatus::Approved) {
        *manual.entry(e.item.clone()).or_default() += e.points;
    }
    let Total { base, items, total } = calc::total(
        scheme,
        &raw_points(
            scheme,
            Counts {
                attended,
                unexcused,
                registered,
                service_hours,
                wishes: wishes.len() as i64,
                errands,
            },
            &manual,
        ),
    );
    let items = scheme
        .items
        .iter()
        .map(|i| {
            let t = items.iter().find(|t| t.item == i.code);
            ItemLine {
                item: i.code.clone(),
                name: i.name.clone(),
                source: i.source.code(),
                raw: t.map_or(0, |t| t.raw),
                counted: t.map_or(0, |t| t.counted),
                cap: i.cap,
            }
        })
        .collect();
    Ok(Ledger {
        scheme: scheme.code.clone(),
        scheme_name: scheme.name.clone(),
        period: period.to_string(),
        member_id: m.id,
        member_name: m.name,
        base,
        total,
        items,
        meetings: meetings.into_iter().map(Into::into).collect(),
        entries: entries.into_iter().map(Into::into).collect(),
        registered,
        service: service.into_iter().map(Into::into).collect(),
        wishes: wishes.into_iter().map(Into::into).collect(),
    })
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Entry {
    pub id: i64,
    pub scheme: String,
    pub item: String,
    pub member_id: i64,
    pub member_name: String,
    pub member_path: String,
    pub period: String,
    pub occurred_on: chrono::NaiveDate,
    pub points: i64,
    pub note: Option<String>,
    pub evidence: Option<String>,
    pub status: jiceng_domain::points::EntryStatus,
    pub created_by: String,
    pub decided_by: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<jiceng_store::points::EntryRow> for Entry {
    fn from(r: jiceng_store::points::EntryRow) -> Self {
        Entry {
            id: r.id,
            scheme: r.scheme,
            item: r.item,
            member_id: r.member_id,
            member_name: r.member_name,
            member_path: r.member_path,
            period: r.period,
            occurred_on: r.occurred_on,
            points: r.points,
            note: r.note,
            evidence: r.evidence,
            status: r.status,
            created_by: r.created_by,
            decided_by: r.decided_by,
            created_at: r.created_at,
            decided_at: r.decided_at,
        }
    }
}

/// The held meetings a member was expected at in the months (their org and those above it),
/// with whether they were absent and the reason: the lines of their ledger.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct LedgerMeeting {
    pub meeting_id: i64,
    pub held_on: chrono::NaiveDate,
    pub kind: jiceng_domain::orglife::MeetingKind,
    pub topic: String,
    pub org_name: String,
    pub absent: bool,
    pub reason: Option<String>,
}

impl From<jiceng_store::points::MeetingLine> for LedgerMeeting {
    fn from(r: jiceng_store::points::MeetingLine) -> Self {
        LedgerMeeting {
            meeting_id: r.meeting_id,
            held_on: r.held_on,
            kind: r.kind,
            topic: r.topic,
            org_name: r.org_name,
            absent: r.absent,
            reason: r.reason,
        }
    }
}
