//! Co-building (共驻共建): once a year a stationed unit signs an agreement with the community
//! (or street) it sits in, listing the commitments (履职清单) it will fulfil, each by a date.
//! How many fall due in a period and how many were fulfilled on time feeds the assessment.

use crate::Invalid;
use chrono::{Datelike, NaiveDate};

/// A commitment as entered: what the unit will do, and by when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCommitment {
    pub title: String,
    pub due_on: NaiveDate,
}

/// Checks one commitment of an agreement for `year`: a title of up to 100 characters and a
/// due date inside the year.
pub fn commitment(year: i32, title: &str, due_on: NaiveDate) -> Result<NewCommitment, Invalid> {
    let title = crate::text::name("title", title, 100)?;
    if due_on.year() != year {
        return Err(Invalid::new(
            "due_on",
            due_on,
            msg!("完成期限应在协议年度 {year} 年内", year = year),
        ));
    }
    Ok(NewCommitment { title, due_on })
}

/// Reads the commitments typed one per line as `事项|2026-06-30` (a full-width ｜ or a tab
/// also separates). Blank lines are skipped; a bad line is named by its number.
pub fn parse_lines(year: i32, text: &str) -> Result<Vec<NewCommitment>, Invalid> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some((title, due)) = line
            .rsplit_once(['|', '｜', '\t'])
            .map(|(t, d)| (t.trim(), d.trim()))
        else {
            return Err(Invalid::new(
                "commitments",
                line,
                msg!("第 {n} 行应为“事项|完成期限”", n = i + 1),
            ));
        };
        let due = NaiveDate::parse_from_str(due, "%Y-%m-%d").map_err(|_| {
            Invalid::new(
                "commitments",
                line,
                msg!("第 {n} 行的完成期限应为 2026-06-30 这样的日期", n = i + 1),
            )
        })?;
        out.push(commitment(year, title, due)?);
    }
    if out.is_empty() {
        return Err(Invalid::new(
            "commitments",
            "",
            msg!("至少要有一项履职事项"),
        ));
    }
    Ok(out)
}

/// Checks the day a commitment is marked fulfilled: not in the future, not before its year.
pub fn done_on(year: i32, on: NaiveDate, today: NaiveDate) -> Result<NaiveDate, Invalid> {
    if on > today {
        return Err(Invalid::new("done_on", on, msg!("不能晚于今天")));
    }
    if on.year() < year {
        return Err(Invalid::new(
            "done_on",
            on,
            msg!("不能早于协议年度 {year} 年", year = year),
        ));
    }
    Ok(on)
}

/// Fulfilled by the due date.
pub fn on_time(due_on: NaiveDate, done_on: Option<NaiveDate>) -> bool {
    done_on.is_some_and(|d| d <= due_on)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn lines_are_read_with_any_separator_and_named_when_bad() {
        let items = parse_lines(
            2026,
            "认领社区微心愿 10 个|2026-06-30\n\n开放停车场｜2026-12-31\n",
        )
        .unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].title, "开放停车场");
        assert_eq!(items[1].due_on, d("2026-12-31"));
        let e = parse_lines(2026, "a|2026-01-01\n没有期限").unwrap_err();
        assert_eq!(e.field, "commitments");
        assert!(e.to_string().contains('2'), "{e}");
        let e = parse_lines(2026, "a|2026-13-01").unwrap_err();
        assert_eq!(e.field, "commitments");
        assert_eq!(
            parse_lines(2026, "a|2027-01-01").unwrap_err().field,
            "due_on"
        );
        assert_eq!(parse_lines(2026, "  \n").unwrap_err().field, "commitments");
        assert_eq!(parse_lines(2026, "|2026-01-01").unwrap_err().field, "title");
    }

    #[test]
    fn done_dates_and_on_time() {
        let today = d("2026-11-23");
        assert!(done_on(2026, d("2026-11-24"), today).is_err());
        assert!(done_on(2026, d("2025-12-31"), today).is_err());
        assert_eq!(
            done_on(2025, d("2026-01-05"), today).unwrap(),
            d("2026-01-05")
        );
        assert!(on_time(d("2026-06-30"), Some(d("2026-06-30"))));
        assert!(!on_time(d("2026-06-30"), Some(d("2026-07-01"))));
        assert!(!on_time(d("2026-06-30"), None));
    }
}
