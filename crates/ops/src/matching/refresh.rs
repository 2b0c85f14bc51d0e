//! Every open need scored again against every active resource, in bulk: the resources are
//! read once into memory, by top category and by the map cells their reach covers, so each
//! need is scored only against resources of its category that could reach it; the needs are
//! read and their best five written a page at a time. Run by the scheduled job (once across
//! processes, under a lease), by an administrator, and by `jiceng match refresh`.

use super::{need_side, resource_side, rows_of, split};
use crate::{Actor, OpsError};
use jiceng_domain::matching::{self, DEFAULT_REACH_M, Scored};
use jiceng_store::needs as needs_store;
use jiceng_store::resources::{self as resources_store, Candidate};
use jiceng_store::{Db, matching as store};
use serde::Serialize;
use std::collections::HashMap;
use std::time::Instant;

/// The lease key of the refresh job.
const JOB: i64 = 7_231_016;

/// Degrees a map cell spans: about 3 km, the default reach.
const CELL: f64 = 0.03;

/// Needs read and written at a time.
const PAGE: i64 = 5000;

fn cell(p: (f64, f64)) -> (i32, i32) {
    ((p.0 / CELL).floor() as i32, (p.1 / CELL).floor() as i32)
}

/// The resources of one top category: by map cell (each under every cell its reach covers),
/// and by the community they are offered to.
#[derive(Default)]
struct Pool {
    cells: HashMap<(i32, i32), Vec<usize>>,
    communities: HashMap<i64, Vec<usize>>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RefreshReport {
    pub needs: i64,
    pub resources: i64,
    pub suggestions: i64,
    /// Resource–need pairs scored.
    pub scored: i64,
    pub millis: i64,
}

/// Refreshes the suggestions of every open need, if no other process is doing it now.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "refresh_suggestions"))]
pub async fn all(db: &Db, actor: &Actor) -> Result<Option<RefreshReport>, OpsError> {
    actor.may_administer()?;
    let Some(lease) = db.lease(JOB).await? else {
        return Ok(None);
    };
    let report = run(db).await;
    lease.release().await?;
    report.map(Some)
}

async fn run(db: &Db) -> Result<RefreshReport, OpsError> {
    let start = Instant::now();
    let mut resources: Vec<(Candidate, Vec<String>)> = Vec::new();
    let mut tx = db.read().await?;
    let mut after = 0;
    loop {
        let page = resources_store::candidates(&mut tx, None, after, 5000).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        resources.extend(page.into_iter().map(|c| {
            let w = split(&c.words);
            (c, w)
        }));
    }
    drop(tx);
    let mut pools: HashMap<String, Pool> = HashMap::new();
    for (i, (c, _)) in resources.iter().enumerate() {
        let pool = pools.entry(c.top_category.clone()).or_default();
        pool.communities
            .entry(c.community_org_id)
            .or_default()
            .push(i);
        if let Some(p) = c.lon.zip(c.lat) {
            let reach = c.reach_m.unwrap_or(DEFAULT_REACH_M).min(super::MAX_REACH_M);
            let (x0, y0, x1, y1) = super::bbox(p, reach);
            let (lo, hi) = (cell((x0, y0)), cell((x1, y1)));
            for cx in lo.0..=hi.0 {
                for cy in lo.1..=hi.1 {
                    pool.cells.entry((cx, cy)).or_default().push(i);
                }
            }
        }
    }
    let (mut needs, mut suggestions, mut scored_pairs) = (0i64, 0i64, 0i64);
    let mut after = 0;
    loop {
        let mut rx = db.read().await?;
        let page = needs_store::open_page(&mut rx, after, PAGE).await?;
        drop(rx);
        let Some(last) = page.last() else { break };
        after = last.id;
        let mut rows = Vec::new();
        let ids: Vec<i64> = page.iter().map(|n| n.id).collect();
        for n in &page {
            let words = split(&n.words);
            let side = need_side(n, &words);
            let Some(pool) = pools.get(&n.top_category) else {
                continue;
            };
            // Those placed near it, and those offered to its community.
            let near: &[usize] = match n.lon.zip(n.lat) {
                Some(p) => pool.cells.get(&cell(p)).map_or(&[], Vec::as_slice),
                None => &[],
            };
            let here: &[usize] = pool
                .communities
                .get(&n.community_org_id)
                .map_or(&[], Vec::as_slice);
            let candidates = near.iter().chain(here.iter());
            let mut scored: Vec<(i64, Scored)> = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for &i in candidates {
                if !seen.insert(i) {
                    continue;
                }
                let (c, w) = &resources[i];
                // Plainly out of reach (by a flat approximation, with a margin the exact
                // distance decides within): no candidate, not scored.
                if let (Some(a), Some(b)) = (n.lon.zip(n.lat), c.lon.zip(c.lat)) {
                    let m = 111_195.0;
                    let dx = (a.0 - b.0) * m * a.1.to_radians().cos();
                    let dy = (a.1 - b.1) * m;
                    let reach = c.reach_m.unwrap_or(DEFAULT_REACH_M) * 1.01;
                    if dx * dx + dy * dy > reach * reach {
                        continue;
                    }
                }
                scored_pairs += 1;
                if let Some(s) = matching::score(&side, &resource_side(c, w)) {
                    scored.push((c.id, s));
                }
            }
            let best = rows_of(n.id, matching::best(scored));
            suggestions += best.len() as i64;
            rows.extend(best);
        }
        needs += page.len() as i64;
        // Needs and resources moved since they were read keep what their move left them.
        let mut tx = db.write().await?;
        let open = needs_store::still_open(&mut tx, &ids).await?;
        let offered =
            resources_store::still_offered(&mut tx, &rows.iter().map(|r| r.2).collect::<Vec<_>>())
                .await?;
        let ids: Vec<i64> = ids.into_iter().filter(|id| open.contains(id)).collect();
        let rows: Vec<_> = rows
            .into_iter()
            .filter(|r| open.contains(&r.0) && offered.contains(&r.2))
            .collect();
        store::replace(&mut tx, &ids, &rows).await?;
        tx.commit().await?;
    }
    Ok(RefreshReport {
        needs,
        resources: resources.len() as i64,
        suggestions,
        scored: scored_pairs,
        millis: start.elapsed().as_millis() as i64,
    })
}
