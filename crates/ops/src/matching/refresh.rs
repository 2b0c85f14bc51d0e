//! Every open need scored again against every active resource, in bulk: the resources are
//! read once into memory, by top category and by the map cells their reach covers, so each
//! need is scored only against resources of its category that could reach it. The needs are
//! read a page at a time; a page is scored on a worker thread while the page before it is
//! written, and only the needs whose best five changed are written again. Run by the
//! scheduled job (once across processes, under a lease), by an administrator, and by
//! `jiceng match refresh`.

use super::{need_side, resource_side, rows_of, split};
use crate::{Actor, OpsError};
use chrono::{DateTime, Utc};
use jiceng_domain::matching::{self, DEFAULT_REACH_M};
use jiceng_store::matching::SuggestionRow;
use jiceng_store::needs::{self as needs_store, Matchable};
use jiceng_store::resources::{self as resources_store, Candidate};
use jiceng_store::{Db, matching as store};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
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

/// The active resources, held for one refresh.
struct Index {
    resources: Vec<(Candidate, Vec<String>)>,
    pools: HashMap<String, Pool>,
}

impl Index {
    fn new(resources: Vec<(Candidate, Vec<String>)>) -> Self {
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
        Index { resources, pools }
    }

    /// A page's best suggestions, and how many pairs were scored for them.
    fn score(&self, page: &[Matchable]) -> (Vec<SuggestionRow>, i64) {
        let (mut rows, mut pairs) = (Vec::new(), 0);
        // The need each resource was last a candidate of: a candidate both near and offered
        // to the community is scored once.
        let mut last_seen = vec![0i64; self.resources.len()];
        for n in page {
            let Some(pool) = self.pools.get(&n.top_category) else {
                continue;
            };
            let words = split(&n.words);
            let side = need_side(n, &words);
            let flat = n.lon.zip(n.lat).map(Flat::at);
            // Those placed near it, and those offered to its community.
            let near: &[usize] = match n.lon.zip(n.lat) {
                Some(p) => pool.cells.get(&cell(p)).map_or(&[], Vec::as_slice),
                None => &[],
            };
            let here: &[usize] = pool
                .communities
                .get(&n.community_org_id)
                .map_or(&[], Vec::as_slice);
            let mut scored: Vec<(i64, f64)> = Vec::new();
            for &i in near.iter().chain(here.iter()) {
                if last_seen[i] == n.id {
                    continue;
                }
                last_seen[i] = n.id;
                let (c, w) = &self.resources[i];
                if flat.as_ref().is_some_and(|f| f.beyond(c)) {
                    continue;
                }
                pairs += 1;
                if let Some(s) = matching::rate(&side, &resource_side(c, w)) {
                    scored.push((c.id, s.score));
                }
            }
            rows.extend(rows_of(n.id, matching::best(scored)));
        }
        (rows, pairs)
    }
}

/// A need's point on a flat map around it, to drop resources plainly out of reach before
/// they are scored (with a margin the exact distance decides within).
struct Flat {
    lon: f64,
    lat: f64,
    /// Metres per degree of longitude at the need's latitude.
    per_lon: f64,
}

const METRES_PER_DEGREE: f64 = 111_195.0;

impl Flat {
    fn at((lon, lat): (f64, f64)) -> Self {
        Flat {
            lon,
            lat,
            per_lon: METRES_PER_DEGREE * lat.to_radians().cos(),
        }
    }

    fn beyond(&self, c: &Candidate) -> bool {
        let Some((lon, lat)) = c.lon.zip(c.lat) else {
            return false;
        };
        let dx = (self.lon - lon) * self.per_lon;
        let dy = (self.lat - lat) * METRES_PER_DEGREE;
        let reach = c.reach_m.unwrap_or(DEFAULT_REACH_M) * 1.01;
        dx * dx + dy * dy > reach * reach
    }
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct RefreshReport {
    pub needs: i64,
    pub resources: i64,
    pub suggestions: i64,
    /// Resource–need pairs scored.
    pub scored: i64,
    /// Needs whose best five changed, and so were written again.
    pub changed: i64,
    pub millis: i64,
    /// Of which scoring (on a worker thread, beside the writing).
    pub scoring_millis: i64,
    /// Of which writing the changed suggestions.
    pub writing_millis: i64,
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

/// A scored page: the ids it read (the range `(after, last]` of open needs), its rows.
struct Scoring {
    after: i64,
    ids: Vec<i64>,
    rows: Vec<SuggestionRow>,
    pairs: i64,
    millis: i64,
}

async fn run(db: &Db) -> Result<RefreshReport, OpsError> {
    let start = Instant::now();
    let began = jiceng_domain::clock::now();
    let index = Arc::new(Index::new(resources(db).await?));
    let mut report = RefreshReport {
        resources: index.resources.len() as i64,
        ..RefreshReport::default()
    };
    let mut pending: Option<tokio::task::JoinHandle<Scoring>> = None;
    let mut after = 0;
    loop {
        let mut rx = db.read().await?;
        let page = needs_store::open_page(&mut rx, after, PAGE).await?;
        drop(rx);
        let next = page.last().map(|n| n.id).map(|last| {
            let (index, from) = (index.clone(), after);
            after = last;
            tokio::task::spawn_blocking(move || {
                let t = Instant::now();
                let (rows, pairs) = index.score(&page);
                Scoring {
                    after: from,
                    ids: page.iter().map(|n| n.id).collect(),
                    rows,
                    pairs,
                    millis: t.elapsed().as_millis() as i64,
                }
            })
        });
        // The page before is written while this one is scored.
        if let Some(done) = pending.take() {
            write(
                db,
                done.await.map_err(OpsError::internal)?,
                began,
                &mut report,
            )
            .await?;
        }
        match next {
            Some(next) => pending = Some(next),
            None => break,
        }
    }
    report.millis = start.elapsed().as_millis() as i64;
    Ok(report)
}

async fn resources(db: &Db) -> Result<Vec<(Candidate, Vec<String>)>, OpsError> {
    let mut out = Vec::new();
    let mut tx = db.read().await?;
    let mut after = 0;
    loop {
        let page = resources_store::candidates(&mut tx, None, after, 5000).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        out.extend(page.into_iter().map(|c| {
            let w = split(&c.words);
            (c, w)
        }));
    }
    Ok(out)
}

/// Writes a scored page's suggestions where they changed. A need no longer open, or scored on
/// its own since the refresh `began` (as a need, or a resource around it, moved), keeps what
/// that left it; a resource no longer offered is no suggestion.
async fn write(
    db: &Db,
    page: Scoring,
    began: DateTime<Utc>,
    report: &mut RefreshReport,
) -> Result<(), OpsError> {
    let t = Instant::now();
    let Some(&last) = page.ids.last() else {
        return Ok(());
    };
    let mut tx = db.write().await?;
    let open = needs_store::open_between(&mut tx, page.after, last, began).await?;
    let offered =
        resources_store::still_offered(&mut tx, &page.rows.iter().map(|r| r.2).collect::<Vec<_>>())
            .await?;
    let mut fresh: HashMap<i64, Vec<SuggestionRow>> = HashMap::new();
    for r in page.rows {
        if offered.contains(&r.2) {
            let best = fresh.entry(r.0).or_default();
            best.push((r.0, best.len() as i64 + 1, r.2, r.3));
        }
    }
    let mut kept: HashMap<i64, Vec<SuggestionRow>> = HashMap::new();
    for r in store::between(&mut tx, page.after, last).await? {
        kept.entry(r.0).or_default().push(r);
    }
    let (mut clear, mut rows) = (Vec::new(), Vec::new());
    for id in page.ids.iter().filter(|id| open.contains(id)) {
        let new = fresh.remove(id).unwrap_or_default();
        let old = kept.remove(id).unwrap_or_default();
        report.suggestions += new.len() as i64;
        if new != old {
            report.changed += 1;
            if !old.is_empty() {
                clear.push(*id);
            }
            rows.extend(new);
        }
    }
    store::replace(&mut tx, &clear, &rows).await?;
    tx.commit().await?;
    report.needs += page.ids.len() as i64;
    report.scored += page.pairs;
    report.scoring_millis += page.millis;
    report.writing_millis += t.elapsed().as_millis() as i64;
    Ok(())
}
