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
use jiceng_store::orglife::month_key;
use jiceng_store::points::{self as store, NewEntry};
use jiceng_store::{Db, Tx, audit, members};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

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

fn parse_period(scheme: &Scheme, raw: Option<&str>) -> Result<Period, OpsError> {
    let p = match raw.map(str::trim).filter(|s| !s.is_empty()) {
        Some(r) => Period::parse(r)?,
        None => period_of(scheme, clock::today()),
    };
    let fits = matches!(
        (scheme.period, p),
        (SchemePeriod::Year, Period::Year(_)) | (SchemePeriod::Quarter, Period::Quarter(..))
    );
    if !fits {
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

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "pending"))]
pub async fn pending(db: &Db, actor: &Actor) -> Result<Vec<Entry>, OpsError> {
    let path = actor.scope_path().to_string();
    actor.may_write(&path)?;
    let mut tx = db.read().await?;
    Ok(store::pending_within(&mut tx, &path, 200)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
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
    // The meetings of each org the member belonged to, for the days they belonged to it.
    let transfers: Vec<Transfer> = members::transfers(&mut tx, m.id)
        .await?
        .into_iter()
        .map(|t| (t.from_org_id, t.to_org_id, t.transferred_on))
        .collect();
    let mut meetings = Vec::new();
    for (org, from, to) in stints(m.org_id, &transfers, period.first_day(), period.last_day()) {
        let path = if org == m.org_id {
            m.org_path.clone()
        } else {
            match jiceng_store::orgs::by_id(&mut tx, org).await? {
                Some(o) => o.path,
                None => continue,
            }
        };
        let orgs = OrgPath(path).ids();
        meetings.extend(store::member_meetings(&mut tx, m.id, &orgs, from, to).await?);
    }
    let attended = meetings.iter().filter(|l| !l.absent).count() as i64;
    let unexcused = meetings
        .iter()
        .filter(|l| l.absent && l.reason.is_none())
        .count() as i64;
    let registered =
        store::member_registered(&mut tx, m.id, period.first_day(), period.last_day()).await?;
    let service =
        jiceng_store::service::of_member(&mut tx, m.id, period.first_day(), period.last_day())
            .await?;
    let service_hours =
        jiceng_domain::service::whole_hours(service.iter().map(|s| s.minutes).sum());
    let wishes =
        jiceng_store::wishes::fulfilled_by(&mut tx, m.id, period.first_day(), period.last_day())
            .await?;
    let entries = store::entries_of(&mut tx, m.id, &scheme.code, &period.to_string()).await?;
    let mut manual: HashMap<String, i64> = HashMap::new();
    for e in entries.iter().filter(|e| e.status == EntryStatus::Approved) {
        *manual.entry(e.item.clone()).or_default() += e.points;
    }
    let Total { base, items, total } = calc::total(
        &scheme,
        &raw_points(
            &scheme,
            Counts {
                attended,
                unexcused,
                registered,
                service_hours,
                wishes: wishes.len() as i64,
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

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Ranked {
    pub rank: usize,
    pub member_id: i64,
    pub name: String,
    pub org_name: String,
    pub total: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Ranking {
    pub scheme: String,
    pub period: String,
    pub members: usize,
    pub page: usize,
    pub per_page: usize,
    pub items: Vec<Ranked>,
    /// Average total over the scope's members.
    pub average: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RankingQuery {
    /// An org code; the actor's scope by default.
    pub within: Option<String>,
    /// A scheme code; `accrual` by default.
    pub scheme: Option<String>,
    pub period: Option<String>,
    pub page: Option<usize>,
    pub per_page: Option<usize>,
    pub ascending: Option<bool>,
}

/// Meetings owed over the period by the scope's members who transferred during it (or after
/// it, which tells where they were during it): each org's meetings within the scope, for the
/// days they belonged to it.
async fn moved_expected(
    tx: &mut Tx,
    path: &str,
    parents: &HashMap<i64, Option<i64>>,
    first: chrono::NaiveDate,
    last: chrono::NaiveDate,
) -> Result<HashMap<i64, i64>, OpsError> {
    let rows = store::transfers_within(tx, path, first).await?;
    if rows.is_empty() {
        return Ok(HashMap::new());
    }
    let mut by_member: HashMap<i64, Vec<Transfer>> = HashMap::new();
    for (member, from, to, on) in rows {
        by_member.entry(member).or_default().push((from, to, on));
    }
    let current: HashMap<i64, i64> =
        members::orgs_of(tx, &by_member.keys().copied().collect::<Vec<_>>())
            .await?
            .into_iter()
            .collect();
    // Each org with its ancestors inside the scope; orgs outside it count nothing here.
    let chain = |org: i64| {
        let mut out = Vec::new();
        let mut at = Some(org);
        while let Some(o) = at.filter(|o| parents.contains_key(o)) {
            out.push(o);
            at = parents.get(&o).copied().flatten();
        }
        out
    };
    let mut stints_of = HashMap::new();
    let mut orgs = std::collections::BTreeSet::new();
    for (member, transfers) in &by_member {
        let Some(&now) = current.get(member) else {
            continue;
        };
        let spans = stints(now, transfers, first, last);
        for (org, _, _) in &spans {
            orgs.extend(chain(*org));
        }
        stints_of.insert(*member, spans);
    }
    let mut days: HashMap<i64, Vec<chrono::NaiveDate>> = HashMap::new();
    let ids: Vec<i64> = orgs.into_iter().collect();
    for (org, on) in store::held_days(tx, &ids, first, last).await? {
        days.entry(org).or_default().push(on);
    }
    Ok(stints_of
        .into_iter()
        .map(|(member, spans)| {
            let owed = spans
                .iter()
                .flat_map(|(org, from, to)| chain(*org).into_iter().map(move |o| (o, *from, *to)))
                .map(|(o, from, to)| {
                    days.get(&o)
                        .map_or(0, |d| d.iter().filter(|x| **x >= from && **x <= to).count())
                })
                .sum::<usize>();
            (member, owed as i64)
        })
        .collect())
}

static TWO_CONNECTIONS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// Every member of a scope ranked by points for a period (ties share a rank), a page at a
/// time; `ascending` puts the lowest first (for the 十二分制, who is losing points).
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "ranking"))]
pub async fn ranking(db: &Db, actor: &Actor, q: RankingQuery) -> Result<Ranking, OpsError> {
    ranked(db, actor, q, 500).await
}

/// The most members [`ranking_whole`] lists.
pub const WHOLE_MAX: usize = 100_000;

/// The whole ranking at once, for an export or a ledger: every member's total counted once,
/// not again for each page.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "ranking_whole"))]
pub async fn ranking_whole(db: &Db, actor: &Actor, q: RankingQuery) -> Result<Ranking, OpsError> {
    let q = RankingQuery {
        page: Some(1),
        per_page: Some(WHOLE_MAX),
        ..q
    };
    ranked(db, actor, q, WHOLE_MAX).await
}

async fn ranked(db: &Db, actor: &Actor, q: RankingQuery, most: usize) -> Result<Ranking, OpsError> {
    let ascending = q.ascending.unwrap_or(false);
    let mut tx = db.read().await?;
    let scheme = scheme_in(&mut tx, q.scheme.as_deref().unwrap_or("accrual")).await?;
    let period = parse_period(&scheme, q.period.as_deref())?;
    let path = match q.within.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => {
            crate::orgs::policy::named(&mut tx, actor, "within", code)
                .await?
                .path
        }
        None => actor.scope_path().to_string(),
    };
    actor.may_read(&path)?;
    let (from, to) = (month_key(period.first_day()), month_key(period.last_day()));
    let (first, last) = (period.first_day(), period.last_day());
    let uses = |source: Source| scheme.items.iter().any(|i| i.source == source);
    // Holding one connection while waiting for another could starve the pool when several
    // rankings run at once; so this one lets go of its first, and one ranking at a time reads
    // on two.
    drop(tx);
    let _two = TWO_CONNECTIONS.acquire().await.expect("never closed");
    let mut tx = db.read().await?;
    // The records that do not hang off the meetings are read on a second connection while the
    // meetings are read on this one; each is skipped when no item of the scheme counts it.
    let side = async {
        let mut tx = db.read().await?;
        let registered: std::collections::HashSet<i64> = if uses(Source::Registration) {
            store::registered_between(&mut tx, first, last)
                .await?
                .into_iter()
                .collect()
        } else {
            Default::default()
        };
        let service: HashMap<i64, i64> = if uses(Source::ServiceHours) {
            store::service_within(&mut tx, &path, first, last)
                .await?
                .into_iter()
                .collect()
        } else {
            HashMap::new()
        };
        let wishes: HashMap<i64, i64> = if uses(Source::WishFulfilled) {
            jiceng_store::wishes::fulfilled_between(&mut tx, first, last)
                .await?
                .into_iter()
                .collect()
        } else {
            HashMap::new()
        };
        Ok::<_, OpsError>((registered, service, wishes))
    };
    let meetings = async {
        // Meetings each member was expected at: those held by their org and every org above
        // it within the scope, summed down the tree.
        let held: HashMap<i64, i64> = store::held_per_org(&mut tx, &path, from, to)
            .await?
            .into_iter()
            .collect();
        let mut cumulative: HashMap<i64, i64> = HashMap::new();
        let mut parents: HashMap<i64, Option<i64>> = HashMap::new();
        for (id, parent) in store::org_parents(&mut tx, &path).await? {
            let above = parent
                .and_then(|p| cumulative.get(&p).copied())
                .unwrap_or(0);
            cumulative.insert(id, above + held.get(&id).copied().unwrap_or(0));
            parents.insert(id, parent);
        }
        let moved = moved_expected(&mut tx, &path, &parents, first, last).await?;
        let members = store::members_within(&mut tx, &path).await?;
        let absences: HashMap<i64, (i64, i64)> = store::absences_within(&mut tx, &path, from, to)
            .await?
            .into_iter()
            .map(|(m, all, unexcused)| (m, (all, unexcused)))
            .collect();
        // Meetings visited elsewhere (as a registered in-service member) count as attended, as
        // in the member's ledger.
        let visits: HashMap<i64, i64> = store::visits_within(&mut tx, &path, from, to)
            .await?
            .into_iter()
            .collect();
        let mut manual: HashMap<i64, Vec<(usize, i64)>> = HashMap::new();
        for (m, item, pts) in
            store::approved_within(&mut tx, &path, &scheme.code, &period.to_string()).await?
        {
            if let Some(i) = scheme.items.iter().position(|x| x.code == item) {
                manual.entry(m).or_default().push((i, pts));
            }
        }
        Ok::<_, OpsError>((cumulative, moved, members, absences, visits, manual))
    };
    let ((registered, service, wishes), (cumulative, moved, members, absences, visits, manual)) =
        tokio::try_join!(side, meetings)?;
    let mut totals: Vec<(i64, i64)> = members
        .iter()
        .map(|(id, org)| {
            let (absent, unexcused) = absences.get(id).copied().unwrap_or((0, 0));
            let counts = Counts {
                attended: moved
                    .get(id)
                    .or_else(|| cumulative.get(org))
                    .copied()
                    .unwrap_or(0)
                    - absent
                    + visits.get(id).copied().unwrap_or(0),
                unexcused,
                registered: registered.contains(id),
                service_hours: jiceng_domain::service::whole_hours(
                    service.get(id).copied().unwrap_or(0),
                ),
                wishes: wishes.get(id).copied().unwrap_or(0),
            };
            let mine = manual.get(id);
            let total = calc::total_of(&scheme, counts, |i| {
                mine.map_or(0, |v| {
                    v.iter().filter(|(x, _)| *x == i).map(|(_, p)| p).sum()
                })
            });
            (*id, total)
        })
        .collect();
    if ascending {
        totals.sort_by_key(|(id, t)| (*t, *id));
    } else {
        totals.sort_by_key(|(id, t)| (-*t, *id));
    }
    let average = (!totals.is_empty())
        .then(|| totals.iter().map(|t| t.1).sum::<i64>() as f64 / totals.len() as f64);
    let per_page = q.per_page.unwrap_or(50).clamp(1, most);
    let page = q.page.unwrap_or(1).max(1);
    let start = (page - 1) * per_page;
    let slice: Vec<(i64, i64)> = totals.iter().skip(start).take(per_page).copied().collect();
    // Competition ranking: the rank of the first member with the same total.
    let rank_of = |pos: usize| -> usize {
        let t = totals[pos].1;
        totals[..pos].partition_point(|x| if ascending { x.1 < t } else { x.1 > t }) + 1
    };
    let ids: Vec<i64> = slice.iter().map(|s| s.0).collect();
    let mut names: HashMap<i64, (String, String)> = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        names.extend(
            store::names(&mut tx, chunk)
                .await?
                .into_iter()
                .map(|(id, n, o)| (id, (n, o))),
        );
    }
    let items = slice
        .iter()
        .enumerate()
        .map(|(i, (id, total))| {
            let (name, org_name) = names.get(id).cloned().unwrap_or_default();
            Ranked {
                rank: rank_of(start + i),
                member_id: *id,
                name,
                org_name,
                total: *total,
            }
        })
        .collect();
    Ok(Ranking {
        scheme: scheme.code,
        period: period.to_string(),
        members: totals.len(),
        page,
        per_page,
        items,
        average,
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
