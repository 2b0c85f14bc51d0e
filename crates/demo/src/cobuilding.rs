//! The demo city's co-building: every unit registered with a community signs an agreement for
//! last year and this one. Most commitments are fulfilled on time, some late, some not at all,
//! and this year's later ones are still under way.

use super::rng::Rng;
use chrono::{Datelike, Duration, NaiveDate};
use jiceng_ops::OpsError;
use jiceng_store::Tx;
use jiceng_store::cobuilding::{self as store, NewAgreement};

const ITEMS: &[&str] = &[
    "开放单位停车场供居民夜间停车",
    "认领社区微心愿",
    "参加社区大党委联席会议",
    "组织在职党员到社区志愿服务",
    "结对帮扶社区困难家庭",
    "联合开展主题党日活动",
    "提供场地举办社区文体活动",
    "开展法律、健康咨询进社区",
];

/// Returns how many commitments were written.
pub async fn load(tx: &mut Tx, rng: &mut Rng, today: NaiveDate) -> Result<u64, OpsError> {
    let pairs = store::registered_units(tx).await?;
    let mut agreements = Vec::new();
    for (unit, org, path) in &pairs {
        for year in [today.year() - 1, today.year()] {
            let Some(start) = NaiveDate::from_ymd_opt(year, 1, 1) else {
                continue;
            };
            let signed_on = start + Duration::days(10 + rng.below(50) as i64);
            let n = 4 + rng.below(3) as usize;
            let mut items = Vec::new();
            for k in 0..n {
                // Due at the end of a month spread over the year.
                let month = (k * 12 / n + 1 + rng.below((12 / n) as u64) as usize).min(12) as u32;
                let due = last_of_month(year, month);
                let done = if due < today {
                    match rng.below(100) {
                        0..80 => Some(due - Duration::days(rng.below(20) as i64)),
                        80..90 => Some((due + Duration::days(1 + rng.below(30) as i64)).min(today)),
                        _ => None,
                    }
                } else if rng.chance(0.3) {
                    Some(today - Duration::days(rng.below(10) as i64))
                } else {
                    None
                };
                let done = done.map(|d| d.max(start));
                items.push((
                    ITEMS[(k + *unit as usize) % ITEMS.len()].to_string(),
                    due,
                    done,
                ));
            }
            agreements.push((
                NewAgreement {
                    unit_id: *unit,
                    org_id: *org,
                    org_path: path,
                    year,
                    signed_on,
                    by: "demo",
                },
                items,
            ));
        }
    }
    Ok(store::add_generated(tx, &agreements).await? as u64)
}

fn last_of_month(year: i32, month: u32) -> NaiveDate {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    next.expect("a valid month") - Duration::days(1)
}
