//! Patrols (走访巡查): a grid worker's walk through the grid, with a daily target of time
//! spent (2 hours in Putian).

use crate::Invalid;
use chrono::{DateTime, Utc};

/// Checks a patrol's times and visits; returns its length in minutes.
pub fn check(
    started: DateTime<Utc>,
    ended: DateTime<Utc>,
    visits: i64,
    now: DateTime<Utc>,
) -> Result<i64, Invalid> {
    if ended <= started {
        return Err(Invalid::new(
            "ended_at",
            ended,
            msg!("结束时间应晚于开始时间"),
        ));
    }
    if ended > now + chrono::Duration::minutes(5) {
        return Err(Invalid::new(
            "ended_at",
            ended,
            msg!("不能登记尚未结束的巡查"),
        ));
    }
    let minutes = (ended - started).num_minutes();
    if minutes > 12 * 60 {
        return Err(Invalid::new(
            "ended_at",
            ended,
            msg!("一次巡查不超过 12 小时，请分次登记"),
        ));
    }
    if !(0..=500).contains(&visits) {
        return Err(Invalid::new(
            "visits",
            visits,
            msg!("走访户数应在 0 到 500 之间"),
        ));
    }
    Ok(minutes)
}

/// The share of the daily target met, capped at 1.
pub fn progress(minutes: i64, target_minutes: i64) -> f64 {
    if target_minutes <= 0 {
        return 1.0;
    }
    (minutes as f64 / target_minutes as f64).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
            .and_utc()
    }

    #[test]
    fn patrols_are_checked_and_measured() {
        let now = at(12, 0);
        assert_eq!(check(at(8, 0), at(9, 30), 12, now).unwrap(), 90);
        assert_eq!(
            check(at(9, 0), at(8, 0), 1, now).unwrap_err().field,
            "ended_at"
        );
        assert_eq!(
            check(at(11, 0), at(13, 0), 1, now).unwrap_err().field,
            "ended_at"
        );
        assert_eq!(
            check(at(8, 0), at(9, 0), -1, now).unwrap_err().field,
            "visits"
        );
        assert_eq!(progress(90, 120), 0.75);
        assert_eq!(progress(150, 120), 1.0);
    }
}
