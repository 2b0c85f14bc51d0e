//! Reminders that a committee's term (换届) is due: six and three months ahead, then every
//! month once overdue.

use chrono::{Months, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermReminder {
    SixMonths,
    ThreeMonths,
    /// Overdue by this many whole months (0 in the first month).
    Overdue(u32),
}

pub fn reminder(term_due: NaiveDate, today: NaiveDate) -> Option<TermReminder> {
    if today > term_due {
        let mut months = 0;
        while term_due + Months::new(months + 1) <= today {
            months += 1;
        }
        return Some(TermReminder::Overdue(months));
    }
    if today >= term_due - Months::new(3) {
        Some(TermReminder::ThreeMonths)
    } else if today >= term_due - Months::new(6) {
        Some(TermReminder::SixMonths)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn reminders_at_six_and_three_months_then_monthly() {
        let due = d("2027-06-30");
        assert_eq!(reminder(due, d("2026-12-29")), None);
        assert_eq!(
            reminder(due, d("2026-12-30")),
            Some(TermReminder::SixMonths)
        );
        assert_eq!(
            reminder(due, d("2027-03-30")),
            Some(TermReminder::ThreeMonths)
        );
        assert_eq!(
            reminder(due, d("2027-06-30")),
            Some(TermReminder::ThreeMonths)
        );
        assert_eq!(
            reminder(due, d("2027-07-01")),
            Some(TermReminder::Overdue(0))
        );
        assert_eq!(
            reminder(due, d("2027-09-30")),
            Some(TermReminder::Overdue(3))
        );
    }
}
