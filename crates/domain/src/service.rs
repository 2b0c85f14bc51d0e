//! Volunteer service (志愿服务) that a community records for the party members who served in
//! it, in-service members registered there (双报到) among them. Hours are recorded in half
//! hours; points count whole hours.

use crate::Invalid;

/// The longest service one record may hold: a long day.
pub const MAX_MINUTES: i64 = 12 * 60;

/// Reads hours such as `2`, `1.5` or `1.5小时` into minutes: half-hour steps, from half an
/// hour to twelve hours.
pub fn minutes(raw: &str) -> Result<i64, Invalid> {
    let t = raw
        .trim()
        .trim_end_matches("小时")
        .trim_end_matches('h')
        .trim();
    let bad = || Invalid::new("hours", raw, msg!("应为 0.5 到 12 之间、以半小时计的时长"));
    let hours: f64 = t.parse().map_err(|_| bad())?;
    let halves = hours * 2.0;
    // Checked as a float before converting, so a huge value cannot wrap into range.
    if !(0.5..=(MAX_MINUTES / 60) as f64).contains(&hours) || halves.fract() != 0.0 {
        return Err(bad());
    }
    Ok(halves as i64 * 30)
}

/// Whole hours of service in `minutes`, the unit points count.
pub fn whole_hours(minutes: i64) -> i64 {
    minutes.max(0) / 60
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_in_half_hour_steps() {
        assert_eq!(minutes("2").unwrap(), 120);
        assert_eq!(minutes(" 1.5小时 ").unwrap(), 90);
        assert_eq!(minutes("0.5").unwrap(), 30);
        for bad in [
            "0",
            "0.4",
            "1.25",
            "13",
            "-1",
            "两小时",
            "NaN",
            "inf",
            "1e300",
            "-1e300",
        ] {
            assert_eq!(minutes(bad).unwrap_err().field, "hours", "{bad}");
        }
        assert_eq!(whole_hours(150), 2);
        assert_eq!(whole_hours(59), 0);
    }
}
