//! Points entered by hand for the demo city, already approved: assigned tasks in the accrual
//! scheme for a few members each year, and late party dues in the 十二分制 for fewer.

use super::rng::Rng;
use chrono::{Datelike, NaiveDate};
use jiceng_ops::OpsError;
use jiceng_store::Tx;
use jiceng_store::orglife;
use jiceng_store::points::{self, DemoEntry};

/// Returns how many entries were written.
pub async fn load(tx: &mut Tx, rng: &mut Rng, today: NaiveDate) -> Result<usize, OpsError> {
    let members = orglife::member_paths(tx).await?;
    let mut rows: Vec<DemoEntry> = Vec::new();
    for year in [today.year() - 1, today.year()] {
        let last = if year == today.year() {
            today.ordinal0()
        } else {
            364
        };
        for (path, id) in &members {
            if rng.chance(0.04) {
                let day = NaiveDate::from_yo_opt(year, 1 + rng.below(u64::from(last) + 1) as u32)
                    .unwrap_or(today);
                let times = 1 + rng.below(3) as i64;
                rows.push((
                    "accrual",
                    "task",
                    *id,
                    path,
                    year.to_string(),
                    day,
                    5 * times,
                    "完成社区交办任务记录",
                ));
            }
            if rng.chance(0.01) {
                let day = NaiveDate::from_yo_opt(year, 1 + rng.below(u64::from(last) + 1) as u32)
                    .unwrap_or(today);
                rows.push((
                    "twelve",
                    "dues",
                    *id,
                    path,
                    year.to_string(),
                    day,
                    -3,
                    "党费收缴台账",
                ));
            }
        }
    }
    points::insert_approved_many(tx, &rows).await?;
    Ok(rows.len())
}
