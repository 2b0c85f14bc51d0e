//! Deadlines counted in working time: working days are Monday to Friday unless the holiday
//! calendar says otherwise (法定节假日 off, 调休 weekend days on), within daily office hours.
//! Times are local (Asia/Shanghai) wall-clock times.

use crate::Invalid;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    pub day_start: NaiveTime,
    pub day_end: NaiveTime,
    /// Weekdays off.
    pub holidays: BTreeSet<NaiveDate>,
    /// Weekend days worked (调休).
    pub workdays: BTreeSet<NaiveDate>,
}

impl Default for Calendar {
    /// 9:00 to 17:00, no holidays: a deployment loads the year's calendar.
    fn default() -> Self {
        Calendar {
            day_start: NaiveTime::from_hms_opt(9, 0, 0).expect("valid"),
            day_end: NaiveTime::from_hms_opt(17, 0, 0).expect("valid"),
            holidays: BTreeSet::new(),
            workdays: BTreeSet::new(),
        }
    }
}

impl Calendar {
    pub fn new(
        day_start: NaiveTime,
        day_end: NaiveTime,
        holidays: BTreeSet<NaiveDate>,
        workdays: BTreeSet<NaiveDate>,
    ) -> Result<Calendar, Invalid> {
        if day_end <= day_start {
            return Err(Invalid::new(
                "day_end",
                day_end,
                msg!("下班时间应晚于上班时间"),
            ));
        }
        if let Some(d) = holidays.intersection(&workdays).next() {
            return Err(Invalid::new(
                "holidays",
                d,
                msg!("同一天不能既是假日又是调休工作日"),
            ));
        }
        Ok(Calendar {
            day_start,
            day_end,
            holidays,
            workdays,
        })
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.workdays.contains(&d) {
            return true;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&d)
    }

    fn day_minutes(&self) -> i64 {
        (self.day_end - self.day_start).num_minutes()
    }

    /// The moment `minutes` of working time after `from`.
    pub fn add_working_minutes(&self, from: NaiveDateTime, minutes: i64) -> NaiveDateTime {
        let mut t = from;
        let mut left = minutes.max(0);
        loop {
            let d = t.date();
            if !self.is_working_day(d) || t.time() >= self.day_end {
                t = self.next_day_start(d);
                continue;
            }
            if t.time() < self.day_start {
                t = d.and_time(self.day_start);
            }
            let today = (d.and_time(self.day_end) - t).num_minutes();
            if left <= today {
                return t + Duration::minutes(left);
            }
            left -= today;
            t = self.next_day_start(d);
        }
    }

    /// Working minutes between two moments (zero if `to` is earlier).
    pub fn working_minutes_between(&self, from: NaiveDateTime, to: NaiveDateTime) -> i64 {
        let mut total = 0;
        let mut d = from.date();
        while d <= to.date() {
            if self.is_working_day(d) {
                let start = from.max(d.and_time(self.day_start));
                let end = to.min(d.and_time(self.day_end));
                if end > start {
                    total += (end - start).num_minutes();
                }
            }
            d = d.succ_opt().expect("in range");
        }
        total
    }

    fn next_day_start(&self, d: NaiveDate) -> NaiveDateTime {
        let mut n = d.succ_opt().expect("in range");
        while !self.is_working_day(n) {
            n = n.succ_opt().expect("in range");
        }
        n.and_time(self.day_start)
    }
}

labelled_enum! {
    LimitUnit, "limit_unit" {
        Hours = "hours", "小时（自然时间）" | "小时";
        WorkingHours = "working_hours", "工作小时";
        WorkingDays = "working_days", "工作日";
    }
}

/// A time limit for handling a case, e.g. 2 hours, 24 hours, 7 or 15 working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub amount: u32,
    pub unit: LimitUnit,
}

impl Limit {
    pub fn new(amount: u32, unit: LimitUnit) -> Result<Limit, Invalid> {
        if amount == 0 || amount > 365 {
            return Err(Invalid::new(
                "amount",
                amount,
                msg!("时限应在 1 到 365 之间"),
            ));
        }
        Ok(Limit { amount, unit })
    }
}

/// When a case started at `from` is due, with `extra` limits added by approved extensions.
pub fn deadline(cal: &Calendar, from: NaiveDateTime, limit: Limit, extra: u32) -> NaiveDateTime {
    let n = i64::from(limit.amount) * i64::from(1 + extra);
    match limit.unit {
        LimitUnit::Hours => from + Duration::hours(n),
        LimitUnit::WorkingHours => cal.add_working_minutes(from, n * 60),
        // A working day is one day's office hours: due at the same hour n working days on.
        LimitUnit::WorkingDays => cal.add_working_minutes(from, n * cal.day_minutes()),
    }
}

labelled_enum! {
    /// How an open case stands against its deadline: due soon once less than the warning
    /// share of the allowed time is left.
    Warning, "warning" {
        OnTime = "on_time", "按期";
        DueSoon = "due_soon", "即将超期";
        Overdue = "overdue", "已超期";
    }
}

/// Whether a case due at `due`, started at `from`, needs a warning at `now`: due soon once
/// less than `share` (e.g. 0.2) of its time is left.
pub fn warning(from: NaiveDateTime, due: NaiveDateTime, now: NaiveDateTime, share: f64) -> Warning {
    if now > due {
        return Warning::Overdue;
    }
    let total = (due - from).num_seconds().max(1) as f64;
    let left = (due - now).num_seconds() as f64;
    if left < total * share {
        Warning::DueSoon
    } else {
        Warning::OnTime
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// National Day 2026: 10-01..10-07 off, Sunday 09-27 and Saturday 10-10 worked.
    fn national_day() -> Calendar {
        Calendar::new(
            NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
            [
                "2026-10-01",
                "2026-10-02",
                "2026-10-05",
                "2026-10-06",
                "2026-10-07",
            ]
            .iter()
            .map(|x| d(x))
            .collect(),
            ["2026-09-27", "2026-10-10"].iter().map(|x| d(x)).collect(),
        )
        .unwrap()
    }

    #[test]
    fn natural_hours_ignore_the_calendar() {
        let cal = national_day();
        let l = Limit::new(2, LimitUnit::Hours).unwrap();
        assert_eq!(
            deadline(&cal, at("2026-10-01 23:30"), l, 0),
            at("2026-10-02 01:30")
        );
    }

    #[test]
    fn working_hours_skip_nights_weekends_and_holidays() {
        let cal = national_day();
        let l = Limit::new(24, LimitUnit::WorkingHours).unwrap();
        // Tuesday 09-29 at 15:00: 2 h that day, 8 h on 09-30, then the holiday until 10-08.
        assert_eq!(
            deadline(&cal, at("2026-09-29 15:00"), l, 0),
            at("2026-10-09 15:00")
        );
        // Received at night: the clock starts at the next office opening.
        let two = Limit::new(2, LimitUnit::WorkingHours).unwrap();
        assert_eq!(
            deadline(&cal, at("2026-09-25 20:00"), two, 0),
            at("2026-09-27 11:00"),
            "a 调休 Sunday is a working day"
        );
    }

    #[test]
    fn working_days_and_extensions() {
        let cal = Calendar::default();
        let seven = Limit::new(7, LimitUnit::WorkingDays).unwrap();
        // Monday 2026-11-23 10:00 + 7 working days = Wednesday 12-02 10:00.
        assert_eq!(
            deadline(&cal, at("2026-11-23 10:00"), seven, 0),
            at("2026-12-02 10:00")
        );
        assert_eq!(
            deadline(&cal, at("2026-11-23 10:00"), seven, 1),
            at("2026-12-11 10:00"),
            "an approved extension adds the limit again"
        );
        let fifteen = Limit::new(15, LimitUnit::WorkingDays).unwrap();
        assert_eq!(
            cal.working_minutes_between(
                at("2026-11-23 10:00"),
                deadline(&cal, at("2026-11-23 10:00"), fifteen, 0)
            ),
            15 * 8 * 60
        );
    }

    #[test]
    fn warnings_before_and_after_the_deadline() {
        let from = at("2026-11-23 09:00");
        let due = at("2026-11-23 19:00");
        assert_eq!(
            warning(from, due, at("2026-11-23 10:00"), 0.2),
            Warning::OnTime
        );
        assert_eq!(
            warning(from, due, at("2026-11-23 17:30"), 0.2),
            Warning::DueSoon
        );
        assert_eq!(
            warning(from, due, at("2026-11-23 19:01"), 0.2),
            Warning::Overdue
        );
    }

    #[test]
    fn bad_calendars_and_limits_are_refused() {
        let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap();
        assert_eq!(
            Calendar::new(nine, nine, BTreeSet::new(), BTreeSet::new())
                .unwrap_err()
                .field,
            "day_end"
        );
        let both: BTreeSet<NaiveDate> = [d("2026-10-01")].into();
        assert!(Calendar::new(nine, nine + Duration::hours(8), both.clone(), both).is_err());
        assert_eq!(Limit::new(0, LimitUnit::Hours).unwrap_err().field, "amount");
    }
}
