//! Suggesting resources for open needs. One need is scored against the active resources of
//! its top category around it whenever it opens or changes (`rescore`); every open need is
//! scored again in bulk (`refresh::all`) by the scheduled job, on an administrator's asking
//! and from the command line, with the resources held in memory by category and by map cell.
//! The rules are the domain's (`jiceng_domain::matching`); each need keeps its best five.

pub mod meeting;
pub mod refresh;

use crate::needs::policy as needs_policy;
use crate::{Actor, OpsError};
use jiceng_domain::matching::{self, NeedSide, ResourceSide, Why};
use jiceng_domain::needs::NeedStatus;
use jiceng_store::needs::{self as needs_store, Matchable};
use jiceng_store::resources::{self as resources_store, Candidate};
use jiceng_store::{Db, Tx, matching as store};
use serde::Serialize;

/// The farthest any resource reaches; resources name their own reach up to this.
pub const MAX_REACH_M: f64 = 20_000.0;

/// Degrees of latitude per metre (and of longitude, at the equator).
const DEG_PER_M: f64 = 1.0 / 111_195.0;

/// The box of points within `m` metres of `p`, widened for longitude at its latitude.
pub(crate) fn bbox(p: (f64, f64), m: f64) -> (f64, f64, f64, f64) {
    let dlat = m * DEG_PER_M;
    let dlon = dlat / p.1.to_radians().cos().max(0.01);
    (p.0 - dlon, p.1 - dlat, p.0 + dlon, p.1 + dlat)
}

pub(crate) fn split(words: &str) -> Vec<String> {
    words.split_whitespace().map(str::to_string).collect()
}

pub(crate) fn need_side<'a>(n: &'a Matchable, words: &'a [String]) -> NeedSide<'a> {
    NeedSide {
        category: &n.category,
        point: n.lon.zip(n.lat),
        people: n.people,
        wanted_from: n.wanted_from,
        wanted_until: n.wanted_until,
        words,
    }
}

pub(crate) fn resource_side<'a>(c: &'a Candidate, words: &'a [String]) -> ResourceSide<'a> {
    ResourceSide {
        category: &c.category,
        point: c.lon.zip(c.lat),
        reach_m: c.reach_m,
        capacity: c.capacity,
        used: c.used,
        days: &c.days,
        from: c.available_from,
        until: c.available_until,
        words,
    }
}

/// The rows a need's best suggestions are kept as.
pub(crate) fn rows_of(need: i64, best: Vec<(i64, f64)>) -> Vec<store::SuggestionRow> {
    best.into_iter()
        .enumerate()
        .map(|(i, (resource, score))| (need, i as i64 + 1, resource, score))
        .collect()
}

/// Scores one need again and keeps its best five; a need no longer open keeps none. Its
/// candidates are the resources of its top category offered to its community, and those
/// placed near it; a resource with no place serves only its own community.
pub(crate) async fn rescore(tx: &mut Tx, need: i64, status: NeedStatus) -> Result<(), OpsError> {
    if status != NeedStatus::Open {
        store::clear(tx, need).await?;
        return Ok(());
    }
    let Some(n) = needs_store::matchable(tx, need).await? else {
        return Ok(());
    };
    let words = split(&n.words);
    // Resources within the default reach, and those reaching farther within the farthest.
    let around = n.lon.zip(n.lat).map(|p| {
        (
            bbox(p, matching::DEFAULT_REACH_M),
            bbox(p, MAX_REACH_M),
            matching::DEFAULT_REACH_M,
        )
    });
    let candidates = resources_store::near(tx, &n.top_category, n.community_org_id, around).await?;
    let side = need_side(&n, &words);
    let scored: Vec<(i64, f64)> = candidates
        .iter()
        .filter_map(|c| {
            let w = split(&c.words);
            matching::rate(&side, &resource_side(c, &w)).map(|s| (c.id, s.score))
        })
        .collect();
    store::replace(tx, &[need], &rows_of(need, matching::best(scored))).await?;
    needs_store::scored(tx, need, jiceng_domain::clock::now()).await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    pub rank: i64,
    pub resource_id: i64,
    pub title: String,
    pub owner_name: String,
    /// 0–100.
    pub score: f64,
    pub left: i64,
    pub measure: String,
    pub why: Why,
    /// Why, as it reads in Chinese ("同类 · 1.2 公里 · 周六可用 · 关键词：老人、理发").
    pub reasons: String,
}

/// The suggestions kept for a need, best first, for those who see the need, each saying why
/// it suits the need as both stand now.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "suggestions"))]
pub async fn suggestions(db: &Db, actor: &Actor, need: i64) -> Result<Vec<Suggestion>, OpsError> {
    let mut tx = db.read().await?;
    let n = needs_policy::resolve(&mut tx, actor, need).await?;
    actor.may_read(&n.community_path)?;
    kept_for(&mut tx, actor, need).await
}

/// The suggestions kept for a need the actor was given, as [`suggestions`] shows them.
pub(crate) async fn kept_for(
    tx: &mut Tx,
    actor: &Actor,
    need: i64,
) -> Result<Vec<Suggestion>, OpsError> {
    let Some(m) = needs_store::matchable(tx, need).await? else {
        return Ok(Vec::new());
    };
    let words = split(&m.words);
    let side = need_side(&m, &words);
    // Only the resources the viewer reaches (those of a neighbouring scope wait for a
    // meeting that reads both).
    Ok(store::of_need(tx, need)
        .await?
        .into_iter()
        .filter(|s| actor.may_read(&s.community_path).is_ok())
        .map(|s| {
            let w = split(&s.resource.words);
            let why = matching::why(&side, &resource_side(&s.resource, &w));
            Suggestion {
                rank: s.rank,
                resource_id: s.resource.id,
                title: s.title,
                owner_name: s.owner_name,
                score: s.score,
                left: s.resource.capacity - s.resource.used,
                measure: s.measure,
                reasons: matching::reasons_zh(&why),
                why,
            }
        })
        .collect())
}

/// Scores one need again now, as its community's writers ask, and returns its suggestions.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "suggest"))]
pub async fn suggest(db: &Db, actor: &Actor, need: i64) -> Result<Vec<Suggestion>, OpsError> {
    let mut tx = db.write().await?;
    let n = needs_policy::resolve(&mut tx, actor, need).await?;
    needs_policy::may_manage(actor, &n)?;
    rescore(&mut tx, need, n.status).await?;
    tx.commit().await?;
    suggestions(db, actor, need).await
}
