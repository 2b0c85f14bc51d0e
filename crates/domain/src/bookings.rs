//! 相互开放阵地: booking a shared room. A booking falls inside the room's opening hours on a
//! day it opens, and blocks the room from its start to its end plus the room's buffer; two
//! live bookings (pending, approved, checked in) of a room never overlap. A recurring booking
//! is its occurrences, each checked alike. One nobody checked into is released a set time
//! after its start.

use crate::Invalid;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc};

labelled_enum! {
    BookingState, "state" {
        Pending = "pending", "待审批";
        Approved = "approved", "已批准";
        Refused = "refused", "已拒绝";
        Cancelled = "cancelled", "已取消";
        CheckedIn = "checked_in", "已签到使用";
        Released = "released", "逾时释放";
    }
}

labelled_enum! {
    Repeat, "repeat" {
        Once = "once", "不重复";
        Daily = "daily", "每天";
        Weekly = "weekly", "每周";
    }
}

impl BookingState {
    /// Whether the booking still holds its room.
    pub fn live(self) -> bool {
        matches!(
            self,
            BookingState::Pending | BookingState::Approved | BookingState::CheckedIn
        )
    }
}

/// The longest booking: a day's opening.
pub const LONGEST_MINUTES: i64 = 16 * 60;
/// The longest buffer a room may keep after each booking.
pub const MAX_BUFFER_MINUTES: i64 = 240;
/// The most a booking can block its room: the conflict check reads the bookings that start
/// this long before the asked time, which must stay under a day.
pub const MAX_BLOCK_MINUTES: i64 = LONGEST_MINUTES + MAX_BUFFER_MINUTES;
const _: () = assert!(MAX_BLOCK_MINUTES < 24 * 60);
/// How far ahead a booking may be made.
pub const HORIZON_DAYS: i64 = 366;
/// The most occurrences a recurring booking may have.
pub const MOST_OCCURRENCES: u32 = 52;

/// What a room allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opening {
    /// Minutes from midnight (Shanghai) the room opens and closes.
    pub opens: i64,
    pub closes: i64,
    /// A bit per weekday the room is closed, Monday the lowest.
    pub closed_weekdays: i64,
    /// Days it is closed besides.
    pub closed_days: Vec<NaiveDate>,
    pub buffer_minutes: i64,
}

impl Opening {
    /// Whether `[starts, ends)` may be booked: on one day the room opens, within its hours.
    pub fn admits(&self, starts: DateTime<Utc>, ends: DateTime<Utc>) -> Result<(), Invalid> {
        let (s, e) = (crate::clock::local(starts), crate::clock::local(ends));
        let length = (ends - starts).num_minutes();
        if s.second() != 0 || e.second() != 0 {
            return Err(Invalid::new(
                "starts_at",
                crate::clock::stamp(starts),
                msg!("预约时间精确到分钟"),
            ));
        }
        if starts > crate::clock::now() + Duration::days(HORIZON_DAYS) {
            return Err(Invalid::new(
                "starts_at",
                crate::clock::stamp(starts),
                msg!("只能预约一年以内的时段"),
            ));
        }
        if length <= 0 || length > LONGEST_MINUTES {
            return Err(Invalid::new(
                "ends_at",
                crate::clock::stamp(ends),
                msg!("应晚于开始时间，且不超过 16 小时"),
            ));
        }
        let day = s.date();
        if self.closed_weekdays & (1 << day.weekday().num_days_from_monday()) != 0
            || self.closed_days.contains(&day)
        {
            return Err(Invalid::new("starts_at", day, msg!("这一天场地不开放")));
        }
        let from = i64::from(s.hour() * 60 + s.minute());
        let to = if e.date() == day {
            i64::from(e.hour() * 60 + e.minute())
        } else {
            // Ending at midnight or later runs past any closing time but 24:00.
            24 * 60 + i64::from(e.hour() * 60 + e.minute())
        };
        if from < self.opens || to > self.closes {
            return Err(Invalid::new(
                "starts_at",
                crate::clock::stamp(starts),
                msg!(
                    "应在开放时间 {hours} 内",
                    hours = hours(self.opens, self.closes)
                ),
            ));
        }
        Ok(())
    }

    /// Until when a booking ending at `ends` keeps the room: its end plus the buffer.
    pub fn blocked_until(&self, ends: DateTime<Utc>) -> DateTime<Utc> {
        ends + Duration::minutes(self.buffer_minutes)
    }
}

/// Opening hours as people write them: `08:30–17:30`.
pub fn hours(opens: i64, closes: i64) -> String {
    format!(
        "{:02}:{:02}–{:02}:{:02}",
        opens / 60,
        opens % 60,
        closes / 60,
        closes % 60
    )
}

/// Reads `08:30` as minutes from midnight (`24:00` allowed for a closing time).
pub fn minute_of_day(field: &'static str, raw: &str) -> Result<i64, Invalid> {
    let bad = || Invalid::new(field, raw, msg!("应写作 08:30"));
    let (h, m) = raw.trim().split_once([':', '：']).ok_or_else(bad)?;
    let (h, m): (i64, i64) = (
        h.trim().parse().map_err(|_| bad())?,
        m.trim().parse().map_err(|_| bad())?,
    );
    if !(0..=24).contains(&h) || !(0..60).contains(&m) || (h == 24 && m > 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// Closed weekdays as a form writes them (`6,7` for the weekend, Monday 1) as bits.
pub fn weekdays(raw: &str) -> Result<i64, Invalid> {
    let mut bits = 0;
    for part in raw.split([',', '，', ' ']).filter(|p| !p.trim().is_empty()) {
        let d: i64 = part
            .trim()
            .parse()
            .ok()
            .filter(|d| (1..=7).contains(d))
            .ok_or_else(|| {
                Invalid::new(
                    "closed_weekdays",
                    raw,
                    msg!("应为 1（周一）到 7（周日）的数字，以逗号分隔"),
                )
            })?;
        bits |= 1 << (d - 1);
    }
    Ok(bits)
}

/// A booking's start and end.
pub type Span = (DateTime<Utc>, DateTime<Utc>);

/// The occurrences of a booking repeated `count` times (1 for once).
pub fn occurrences(
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
    repeat: Repeat,
    count: u32,
) -> Result<Vec<Span>, Invalid> {
    let count = if repeat == Repeat::Once { 1 } else { count };
    if !(1..=MOST_OCCURRENCES).contains(&count) {
        return Err(Invalid::new("count", count, msg!("重复次数应为 1 到 52")));
    }
    let step = match repeat {
        Repeat::Once | Repeat::Daily => Duration::days(1),
        Repeat::Weekly => Duration::weeks(1),
    };
    Ok((0..count as i32)
        .map(|i| (starts + step * i, ends + step * i))
        .collect())
}

/// Whether an approved booking nobody checked into is released at `now`.
pub fn released(starts: DateTime<Utc>, release_minutes: i64, now: DateTime<Utc>) -> bool {
    now >= starts + Duration::minutes(release_minutes)
}

/// Check-in opens a quarter of an hour before the start and closes when the booking is
/// released (or at the end, if that comes first).
pub fn may_check_in(
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
    release_minutes: i64,
    now: DateTime<Utc>,
) -> bool {
    now >= starts - Duration::minutes(15) && now < ends && !released(starts, release_minutes, now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: u32, h: u32, m: u32) -> DateTime<Utc> {
        // Shanghai wall-clock time: 2026-06-01 is a Monday.
        crate::clock::from_local(
            NaiveDate::from_ymd_opt(2026, 6, day)
                .unwrap()
                .and_hms_opt(h, m, 0)
                .unwrap(),
        )
    }

    fn room() -> Opening {
        Opening {
            opens: 8 * 60 + 30,
            closes: 17 * 60 + 30,
            closed_weekdays: weekdays("6,7").unwrap(),
            closed_days: vec![NaiveDate::from_ymd_opt(2026, 6, 3).unwrap()],
            buffer_minutes: 15,
        }
    }

    #[test]
    fn a_booking_fits_the_opening_hours_and_days() {
        let r = room();
        assert!(r.admits(at(1, 9, 0), at(1, 11, 0)).is_ok());
        assert!(r.admits(at(1, 8, 30), at(1, 17, 30)).is_ok());
        assert_eq!(
            r.admits(at(1, 8, 0), at(1, 9, 0)).unwrap_err().field,
            "starts_at"
        );
        assert_eq!(
            r.admits(at(1, 17, 0), at(1, 18, 0)).unwrap_err().field,
            "starts_at"
        );
        assert_eq!(
            r.admits(at(6, 9, 0), at(6, 10, 0)).unwrap_err().field,
            "starts_at",
            "a Saturday"
        );
        assert_eq!(
            r.admits(at(3, 9, 0), at(3, 10, 0)).unwrap_err().field,
            "starts_at",
            "a closed day"
        );
        assert_eq!(
            r.admits(at(1, 10, 0), at(1, 9, 0)).unwrap_err().field,
            "ends_at"
        );
        assert_eq!(r.blocked_until(at(1, 11, 0)), at(1, 11, 15));
    }

    #[test]
    fn times_and_weekdays_read_as_written() {
        assert_eq!(minute_of_day("opens", "08:30").unwrap(), 510);
        assert_eq!(minute_of_day("closes", "24:00").unwrap(), 1440);
        for bad in ["8", "25:00", "08:60", "24:30", "ab:cd"] {
            assert!(minute_of_day("opens", bad).is_err(), "{bad}");
        }
        assert_eq!(weekdays("6,7").unwrap(), 0b110_0000);
        assert_eq!(weekdays("").unwrap(), 0);
        assert!(weekdays("8").is_err());
    }

    #[test]
    fn a_weekly_booking_repeats_on_its_weekday() {
        let o = occurrences(at(1, 9, 0), at(1, 10, 0), Repeat::Weekly, 3).unwrap();
        assert_eq!(o.len(), 3);
        assert_eq!(o[2].0, at(15, 9, 0));
        assert_eq!(
            occurrences(at(1, 9, 0), at(1, 10, 0), Repeat::Once, 9)
                .unwrap()
                .len(),
            1
        );
        assert!(occurrences(at(1, 9, 0), at(1, 10, 0), Repeat::Daily, 53).is_err());
        assert!(
            released(at(1, 9, 0), 30, at(1, 9, 30)) && !released(at(1, 9, 0), 30, at(1, 9, 29))
        );
        assert!(BookingState::Pending.live() && !BookingState::Refused.live());
    }
}
