//! Which org a member belonged to on which days of a period, from their transfers (组织关系转接):
//! a member transferred mid-period owed the old org's meetings before the day and the new
//! one's from it.

use chrono::{Days, NaiveDate};

/// A transfer: from org, to org, and the day the member joined the new one.
pub type Transfer = (i64, i64, NaiveDate);

/// The member's orgs over `first..=last` as (org, from, to), both days inclusive, in date
/// order. `current` is the org they belong to now; `transfers` are theirs in date order, any
/// day (later ones tell which org they were in before).
pub fn stints(
    current: i64,
    transfers: &[Transfer],
    first: NaiveDate,
    last: NaiveDate,
) -> Vec<(i64, NaiveDate, NaiveDate)> {
    let mut org = transfers
        .iter()
        .find(|t| t.2 > first)
        .map_or(current, |t| t.0);
    let mut start = first;
    let mut out = Vec::new();
    for &(_, to, on) in transfers.iter().filter(|t| t.2 > first && t.2 <= last) {
        let end = on.checked_sub_days(Days::new(1)).unwrap_or(on);
        out.push((org, start, end));
        org = to;
        start = on;
    }
    out.push((org, start, last));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_transfer_splits_the_period_at_its_day() {
        let (first, last) = (d("2025-01-01"), d("2025-12-31"));
        assert_eq!(stints(7, &[], first, last), vec![(7, first, last)]);
        let moved = [(3, 7, d("2025-07-01"))];
        assert_eq!(
            stints(7, &moved, first, last),
            vec![(3, first, d("2025-06-30")), (7, d("2025-07-01"), last)]
        );
        // A transfer after the period: the whole period was spent in the old org.
        let later = [(3, 7, d("2026-03-01"))];
        assert_eq!(stints(7, &later, first, last), vec![(3, first, last)]);
        // One before the period changes nothing; two inside it make three stints.
        let many = [
            (1, 3, d("2024-05-01")),
            (3, 5, d("2025-03-01")),
            (5, 7, d("2025-10-01")),
        ];
        assert_eq!(
            stints(7, &many, first, last),
            vec![
                (3, first, d("2025-02-28")),
                (5, d("2025-03-01"), d("2025-09-30")),
                (7, d("2025-10-01"), last)
            ]
        );
        // Joining on the first day of the period is a whole period in the new org.
        let on_first = [(3, 7, first)];
        assert_eq!(stints(7, &on_first, first, last), vec![(7, first, last)]);
    }
}
