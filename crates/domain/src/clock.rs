//! The one clock: "now", and the conversions to and from Asia/Shanghai (UTC+8 all year, no
//! daylight saving), the calendar every date rule and every shown time uses. A test fixes the
//! time for its own thread with [`fix`], so tests running side by side do not see each other's.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use std::cell::Cell;

const SHANGHAI: Duration = Duration::hours(8);

thread_local! {
    static FIXED: Cell<Option<DateTime<Utc>>> = const { Cell::new(None) };
}

/// The current instant, or the one a test fixed on this thread.
pub fn now() -> DateTime<Utc> {
    FIXED.with(Cell::get).unwrap_or_else(Utc::now)
}

/// Today's date in Shanghai.
pub fn today() -> NaiveDate {
    local(now()).date()
}

/// An instant as Shanghai wall-clock time.
pub fn local(t: DateTime<Utc>) -> NaiveDateTime {
    (t + SHANGHAI).naive_utc()
}

/// A Shanghai wall-clock time as an instant.
pub fn from_local(t: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(t - SHANGHAI, Utc)
}

/// The instant a Shanghai day begins.
pub fn start_of(day: NaiveDate) -> DateTime<Utc> {
    from_local(day.and_time(NaiveTime::MIN))
}

/// The Shanghai month of an instant as yyyymm, the key monthly counts are kept under.
pub fn month_key(t: DateTime<Utc>) -> i64 {
    let l = local(t);
    i64::from(l.year()) * 100 + i64::from(l.month())
}

/// An instant as people read it: Shanghai time, `yyyy-mm-dd hh:mm:ss`.
pub fn stamp(t: DateTime<Utc>) -> String {
    local(t).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// Holds the clock of this thread at a fixed instant until dropped.
#[must_use = "the clock is fixed only while the guard lives"]
pub struct Fixed {
    before: Option<DateTime<Utc>>,
}

/// Fixes "now" on this thread at `t` (for tests); dropping the guard restores the clock.
pub fn fix(t: DateTime<Utc>) -> Fixed {
    Fixed {
        before: FIXED.with(|f| f.replace(Some(t))),
    }
}

impl Drop for Fixed {
    fn drop(&mut self) {
        FIXED.with(|f| f.set(self.before));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn shanghai_is_eight_hours_ahead_all_year() {
        let late = at("2026-06-30T16:30:00Z");
        assert_eq!(local(late).to_string(), "2026-07-01 00:30:00");
        assert_eq!(month_key(late), 202607);
        assert_eq!(from_local(local(late)), late);
        let winter = at("2026-12-31T15:59:59Z");
        assert_eq!(stamp(winter), "2026-12-31 23:59:59");
        assert_eq!(month_key(winter), 202612);
    }

    #[test]
    fn a_shanghai_day_starts_at_sixteen_utc_the_day_before() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(start_of(d), at("2026-02-28T16:00:00Z"));
    }

    #[test]
    fn a_fixed_clock_holds_on_its_thread_and_is_restored() {
        let t = at("2030-01-01T00:00:00Z");
        {
            let _g = fix(t);
            assert_eq!(now(), t);
            assert_eq!(today(), NaiveDate::from_ymd_opt(2030, 1, 1).unwrap());
            let other = std::thread::spawn(now).join().unwrap();
            assert_ne!(other, t, "another thread keeps the real clock");
        }
        assert_ne!(now(), t);
    }
}
