//! Keyset paging: a list sorted by a time and an id goes on from its last row's pair, which
//! the client passes back as `after`. The pair is written out whole (seconds and nanoseconds)
//! so the next page starts exactly where this one ended, whatever precision the store keeps.

use crate::Invalid;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

/// The position after a row: its sort time and id.
pub type Cursor = (DateTime<Utc>, i64);

/// The `after` text for a row.
pub fn write(at: DateTime<Utc>, id: i64) -> String {
    format!("{}.{:09}.{id}", at.timestamp(), at.timestamp_subsec_nanos())
}

/// Reads `after` as [`write`] wrote it.
pub fn read(raw: Option<&str>) -> Result<Option<Cursor>, Invalid> {
    let Some(raw) = raw else { return Ok(None) };
    let bad = || Invalid::new("after", raw, msg!("翻页位置无效，请从第一页重新开始"));
    let mut parts = raw.split('.');
    let (Some(s), Some(n), Some(id), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let (s, n, id) = match (s.parse::<i64>(), n.parse::<u32>(), id.parse::<i64>()) {
        (Ok(s), Ok(n), Ok(id)) => (s, n, id),
        _ => return Err(bad()),
    };
    let at = DateTime::from_timestamp(s, n).ok_or_else(bad)?;
    Ok(Some((at, id)))
}

/// The `after` text for a row sorted by a date.
pub fn write_date(on: NaiveDate, id: i64) -> String {
    write(midnight(on), id)
}

/// A date as a cursor's time: its first instant, in UTC.
pub fn midnight(on: NaiveDate) -> DateTime<Utc> {
    on.and_time(NaiveTime::MIN).and_utc()
}

/// Reads `after` as [`write_date`] wrote it.
pub fn read_date(raw: Option<&str>) -> Result<Option<(NaiveDate, i64)>, Invalid> {
    Ok(read(raw)?.map(|(at, id)| (at.date_naive(), id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_to_the_same_instant() {
        let at = DateTime::from_timestamp(1_764_900_000, 123_456_789).unwrap();
        assert_eq!(read(Some(&write(at, 42))).unwrap(), Some((at, 42)));
        assert_eq!(read(None).unwrap(), None);
        let on = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        assert_eq!(read_date(Some(&write_date(on, 7))).unwrap(), Some((on, 7)));
    }

    #[test]
    fn a_bad_cursor_is_refused_by_field() {
        for raw in ["", "1.2", "x.0.1", "1.0.1.2", "1.9999999999.1"] {
            assert_eq!(read(Some(raw)).unwrap_err().field, "after");
        }
    }
}
