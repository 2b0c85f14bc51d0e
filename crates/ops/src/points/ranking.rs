//! Members of a scope ranked by points for a period. A kept period (a scheme's current and
//! previous ones, and any an administrator keeps) is read from its kept totals: a page is a
//! range of one index, the count and average one aggregate over it, and a rank the count of
//! totals ahead of it. Any other period is counted afresh for the scope, as rarely as
//! someone looks that far back, without keeping it.

use super::{kept, parse_period, period_of, scheme_in, totals};
use crate::{Actor, OpsError};
use jiceng_domain::clock;
use jiceng_domain::orglife::Period;
use jiceng_domain::points::Scheme;
use jiceng_store::Db;
use jiceng_store::points::kept as store;
use serde::{Deserialize, Serialize};

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

/// Every member of a scope ranked by points for a period (ties share a rank), a page at a
/// time; `ascending` puts the lowest first (for the 十二分制, who is losing points).
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "ranking"))]
pub async fn ranking(db: &Db, actor: &Actor, q: RankingQuery) -> Result<Ranking, OpsError> {
    ranked(db, actor, q, 500).await
}

/// Keeps a scheme's period ahead of its first ranking (a new year, a demo city): counting
/// every member of a large city takes seconds, which no one should wait for on a page.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "keep"))]
pub async fn keep(db: &Db, actor: &Actor, scheme: &str, period: &str) -> Result<(), OpsError> {
    actor.may_administer()?;
    let (scheme, period) = {
        let mut tx = db.read().await?;
        let scheme = scheme_in(&mut tx, scheme).await?;
        let period = parse_period(&scheme, Some(period))?;
        (scheme, period)
    };
    kept::ensure(db, &scheme.code, period).await
}

/// The most members [`ranking_whole`] lists.
pub const WHOLE_MAX: usize = 100_000;

/// The whole ranking at once, for an export or a ledger.
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
    let per_page = q.per_page.unwrap_or(50).clamp(1, most);
    let page = q.page.unwrap_or(1).max(1);
    let (scheme, period, path, scope, kept_before) = {
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
        let scope = crate::orgs::org_rows_scope(&mut tx, &path).await?;
        let kept_before = kept::was_kept(&mut tx, &scheme.code, period).await?;
        (scheme, period, path, scope, kept_before)
    };
    let current = period_of(&scheme, clock::today());
    if !(kept_before || period == current || period == current.previous()) {
        return afresh(db, &scheme, period, &path, ascending, page, per_page).await;
    }
    kept::ensure(db, &scheme.code, period).await?;
    let key = period.to_string();
    // One snapshot, so the count, the page and the ranks agree while writes go on.
    let mut tx = db.snapshot().await?;
    let (members, sum) = store::summary(&mut tx, &scheme.code, &key, &scope).await?;
    let start = (page - 1) * per_page;
    let rows = store::page(
        &mut tx,
        &scheme.code,
        &key,
        &scope,
        ascending,
        start as i64,
        per_page as i64,
    )
    .await?;
    // Competition ranking: the rank of the first member with the same total.
    let mut items: Vec<Ranked> = Vec::with_capacity(rows.len());
    for (i, r) in rows.into_iter().enumerate() {
        let rank = match items.last() {
            Some(prev) if prev.total == r.total => prev.rank,
            Some(_) => start + i + 1,
            None => {
                store::ahead(&mut tx, &scheme.code, &key, &scope, ascending, r.total).await?
                    as usize
                    + 1
            }
        };
        items.push(Ranked {
            rank,
            member_id: r.member_id,
            name: r.name,
            org_name: r.org_name,
            total: r.total,
        });
    }
    Ok(Ranking {
        scheme: scheme.code,
        period: key,
        members: members as usize,
        page,
        per_page,
        items,
        average: (members > 0).then(|| sum as f64 / members as f64),
    })
}

/// A period not kept, counted for the scope on each request and ordered as a kept one is.
async fn afresh(
    db: &Db,
    scheme: &Scheme,
    period: Period,
    path: &str,
    ascending: bool,
    page: usize,
    per_page: usize,
) -> Result<Ranking, OpsError> {
    let mut tx = db.snapshot().await?;
    let mut totals = totals::within(&mut tx, scheme, period, path).await?;
    if ascending {
        totals.sort_by_key(|(id, t)| (*t, -id));
    } else {
        totals.sort_by_key(|(id, t)| (-t, *id));
    }
    let start = (page - 1) * per_page;
    let slice: Vec<(i64, i64)> = totals.iter().skip(start).take(per_page).copied().collect();
    let ids: Vec<i64> = slice.iter().map(|s| s.0).collect();
    let mut names = std::collections::HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        for (id, name, org) in jiceng_store::points::names(&mut tx, chunk).await? {
            names.insert(id, (name, org));
        }
    }
    let items = slice
        .iter()
        .enumerate()
        .map(|(i, (id, total))| {
            let ahead = totals[..start + i].partition_point(|x| {
                if ascending {
                    x.1 < *total
                } else {
                    x.1 > *total
                }
            });
            let (name, org_name) = names.remove(id).unwrap_or_default();
            Ranked {
                rank: ahead + 1,
                member_id: *id,
                name,
                org_name,
                total: *total,
            }
        })
        .collect();
    let sum: i64 = totals.iter().map(|t| t.1).sum();
    Ok(Ranking {
        scheme: scheme.code.clone(),
        period: period.to_string(),
        members: totals.len(),
        page,
        per_page,
        items,
        average: (!totals.is_empty()).then(|| sum as f64 / totals.len() as f64),
    })
}

/// A member's own place among the members of their org (and the orgs under it) for the
/// current year's accrual points: their rank and how many are ranked, read from the kept
/// totals; `None` while the year is not kept. Only the member themself (or whoever may read
/// their file) asks.
pub(crate) async fn own_place(
    db: &Db,
    actor: &Actor,
    member_id: i64,
    total: i64,
) -> Result<Option<(i64, i64)>, OpsError> {
    let mut tx = db.read().await?;
    let m = crate::members::policy::resolve(&mut tx, actor, member_id).await?;
    let period = Period::Year(chrono::Datelike::year(&clock::today()));
    let scheme = scheme_in(&mut tx, "accrual").await?;
    if !kept::is_kept(&mut tx, &scheme, period).await? {
        return Ok(None);
    }
    let scope = jiceng_store::keyset::Scope::Path(m.org_path.clone());
    let p = period.to_string();
    let ahead = store::ahead(&mut tx, "accrual", &p, &scope, false, total).await?;
    let (ranked, _) = store::summary(&mut tx, "accrual", &p, &scope).await?;
    Ok(Some((ahead + 1, ranked)))
}
