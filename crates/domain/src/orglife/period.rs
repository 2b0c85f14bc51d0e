//! Calendar periods that compliance and points are counted over: a month, a quarter, a year.

use crate::Invalid;
use chrono::{Datelike, NaiveDate};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    Month(i32, u32),
    Quarter(i32, u32),
    Year(i32),
}

impl Period {
    /// `2026`, `2026-Q3` or `2026-07`.
    pub fn parse(raw: &str) -> Result<Period, Invalid> {
        let t = raw.trim().to_ascii_uppercase();
        let bad = || {
            Invalid::new(
                "period",
                raw,
                msg!("应为 2026、2026-Q3 或 2026-07 这样的期间"),
            )
        };
        let p = match t.split_once('-') {
            None => Period::Year(t.parse().map_err(|_| bad())?),
            Some((y, q)) if q.starts_with('Q') => {
                let q: u32 = q[1..].parse().map_err(|_| bad())?;
                Period::Quarter(y.parse().map_err(|_| bad())?, q)
            }
            Some((y, m)) => {
                Period::Month(y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?)
            }
        };
        let ok = match p {
            Period::Month(y, m) => (1..=12).contains(&m) && (1921..=2200).contains(&y),
            Period::Quarter(y, q) => (1..=4).contains(&q) && (1921..=2200).contains(&y),
            Period::Year(y) => (1921..=2200).contains(&y),
        };
        if ok { Ok(p) } else { Err(bad()) }
    }

    pub fn quarter_of(d: NaiveDate) -> Period {
        Period::Quarter(d.year(), (d.month() - 1) / 3 + 1)
    }

    pub fn month_of(d: NaiveDate) -> Period {
        Period::Month(d.year(), d.month())
    }

    pub fn first_day(self) -> NaiveDate {
        let (y, m) = match self {
            Period::Month(y, m) => (y, m),
            Period::Quarter(y, q) => (y, (q - 1) * 3 + 1),
            Period::Year(y) => (y, 1),
        };
        NaiveDate::from_ymd_opt(y, m, 1).expect("a valid period")
    }

    pub fn last_day(self) -> NaiveDate {
        let next = match self {
            Period::Month(y, 12) => NaiveDate::from_ymd_opt(y + 1, 1, 1),
            Period::Month(y, m) => NaiveDate::from_ymd_opt(y, m + 1, 1),
            Period::Quarter(y, 4) | Period::Year(y) => NaiveDate::from_ymd_opt(y + 1, 1, 1),
            Period::Quarter(y, q) => NaiveDate::from_ymd_opt(y, q * 3 + 1, 1),
        };
        next.and_then(|d| d.pred_opt()).expect("a valid period")
    }

    pub fn contains(self, d: NaiveDate) -> bool {
        self.first_day() <= d && d <= self.last_day()
    }

    /// The months of the period, in order.
    pub fn months(self) -> Vec<Period> {
        let first = self.first_day();
        let n = match self {
            Period::Month(..) => 1,
            Period::Quarter(..) => 3,
            Period::Year(_) => 12,
        };
        (0..n)
            .map(|i| {
                let m0 = first.month0() + i;
                Period::Month(first.year(), m0 + 1)
            })
            .collect()
    }

    /// The quarters the period overlaps (a month lies in one).
    pub fn quarters(self) -> Vec<Period> {
        match self {
            Period::Month(..) => vec![Period::quarter_of(self.first_day())],
            Period::Quarter(..) => vec![self],
            Period::Year(y) => (1..=4).map(|q| Period::Quarter(y, q)).collect(),
        }
    }

    /// The period before this one, of the same length.
    pub fn previous(self) -> Period {
        match self {
            Period::Month(y, 1) => Period::Month(y - 1, 12),
            Period::Month(y, m) => Period::Month(y, m - 1),
            Period::Quarter(y, 1) => Period::Quarter(y - 1, 4),
            Period::Quarter(y, q) => Period::Quarter(y, q - 1),
            Period::Year(y) => Period::Year(y - 1),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Month(y, m) => write!(f, "{y}-{m:02}"),
            Period::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            Period::Year(y) => write!(f, "{y}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn parses_and_bounds_periods() {
        let q = Period::parse("2026-q4").unwrap();
        assert_eq!(q, Period::Quarter(2026, 4));
        assert_eq!(q.first_day(), d("2026-10-01"));
        assert_eq!(q.last_day(), d("2026-12-31"));
        assert_eq!(q.months().len(), 3);
        assert_eq!(
            Period::parse("2024-02").unwrap().last_day(),
            d("2024-02-29")
        );
        assert_eq!(Period::parse("2026").unwrap().quarters().len(), 4);
        assert_eq!(
            Period::Quarter(2026, 1).previous(),
            Period::Quarter(2025, 4)
        );
        assert!(Period::parse("2026-Q5").is_err());
        assert!(Period::parse("2026-13").is_err());
        assert!(Period::parse("soon").is_err());
        assert_eq!(Period::parse("2026-07").unwrap().to_string(), "2026-07");
    }
}
