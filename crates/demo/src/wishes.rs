//! The demo city's micro-wishes: a few posted in each community over the last year, most
//! claimed by a member registered there and fulfilled, the latest still open.

use super::rng::Rng;
use chrono::{Datelike, Duration, NaiveDate};
use jiceng_ops::OpsError;
use jiceng_store::Tx;
use jiceng_store::wishes::{self as store, GeneratedWish};
use std::collections::HashMap;

const WISHES: &[&str] = &[
    "想要一台助听器",
    "希望有人教我用智能手机",
    "孩子需要一套课外读物",
    "想要一副老花镜",
    "家里的水龙头需要修理",
    "希望有人陪我去医院复查",
    "想要一辆儿童自行车",
];

const RESIDENTS: &[&str] = &["张阿姨", "李大爷", "王奶奶", "陈同学", "林阿婆"];

/// Returns how many wishes were written.
pub async fn load(tx: &mut Tx, rng: &mut Rng, today: NaiveDate) -> Result<usize, OpsError> {
    let mut members: HashMap<i64, Vec<i64>> = HashMap::new();
    for (member, community) in jiceng_store::service::registered_members(tx).await? {
        members.entry(community).or_default().push(member);
    }
    let mut rows: Vec<GeneratedWish> = Vec::new();
    let start = NaiveDate::from_ymd_opt(today.year() - 1, 1, 1).expect("a date");
    let days = (today - start).num_days().max(1) as u64;
    let mut communities: Vec<(i64, String)> = jiceng_store::cobuilding::communities(tx).await?;
    communities.sort();
    for (community, path) in communities {
        let Some(here) = members.get(&community) else {
            continue;
        };
        for _ in 0..2 + rng.below(5) {
            let posted = start + Duration::days(rng.below(days) as i64);
            let age = (today - posted).num_days();
            let claim = (age > 7 && rng.chance(0.85)).then(|| {
                let claimed = posted + Duration::days(1 + rng.below(5) as i64);
                let fulfilled = (age > 30 || rng.chance(0.5))
                    .then(|| (claimed + Duration::days(rng.below(20) as i64)).min(today));
                (*rng.pick(here), claimed, fulfilled)
            });
            rows.push((
                community,
                path.clone(),
                *rng.pick(WISHES),
                *rng.pick(RESIDENTS),
                posted,
                claim,
            ));
        }
    }
    store::add_generated(tx, &rows).await?;
    Ok(rows.len())
}
