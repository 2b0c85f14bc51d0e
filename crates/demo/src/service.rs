//! The demo city's volunteer service: about half of the in-service members registered with a
//! community serve there a few times a year, for an hour or several.

use super::rng::Rng;
use chrono::{Datelike, Duration, NaiveDate};
use jiceng_ops::OpsError;
use jiceng_store::Tx;
use jiceng_store::service::{self as store, GeneratedService};

const ACTIVITIES: &[&str] = &[
    "社区环境整治",
    "文明交通劝导",
    "关爱独居老人上门走访",
    "政策宣讲进楼栋",
    "社区义诊",
    "垃圾分类督导",
    "四点半课堂辅导",
];

/// Returns how many records were written.
pub async fn load(tx: &mut Tx, rng: &mut Rng, today: NaiveDate) -> Result<usize, OpsError> {
    let pairs = store::registered_members(tx).await?;
    let start = NaiveDate::from_ymd_opt(today.year() - 1, 1, 1).expect("a date");
    let days = (today - start).num_days().max(1) as u64;
    let mut rows: Vec<GeneratedService> = Vec::new();
    for (member, community) in pairs {
        if !rng.chance(0.5) {
            continue;
        }
        for _ in 0..1 + rng.below(6) {
            rows.push((
                member,
                community,
                start + Duration::days(rng.below(days) as i64),
                30 * (2 + rng.below(7) as i64),
                *rng.pick(ACTIVITIES),
            ));
        }
    }
    store::add_generated(tx, &rows).await?;
    Ok(rows.len())
}
