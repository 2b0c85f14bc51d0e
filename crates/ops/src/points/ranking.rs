//! Members of a scope ranked by points for a period, read from the kept totals: a page is a
//! range of one index, the count and average one aggregate over it, and a rank the count of
//! totals ahead of it.

use super::{kept, parse_period, scheme_in};
use crate::{Actor, OpsError};
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
    kept::ensure(db, &scheme, period).await
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
    let (scheme, period, scope) = {
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
        let scope = crate::orgs::scope_of(&mut tx, &path).await?;
        (scheme, period, scope)
    };
    kept::ensure(db, &scheme, period).await?;
    let key = period.to_string();
    let mut tx = db.read().await?;
    let (members, sum) = store::summary(&mut tx, &scheme.code, &key, &scope).await?;
    let per_page = q.per_page.unwrap_or(50).clamp(1, most);
    let page = q.page.unwrap_or(1).max(1);
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
