//! Totals of a member's points for a period: each item's raw points clamped to its cap, added
//! to the scheme's base. In the 十二分制 the total cannot fall below zero.

use super::{Item, Scheme, SchemeKind, Source};
use std::collections::HashMap;

/// One item's contribution: raw (uncapped) and counted (capped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemTotal {
    pub item: String,
    pub raw: i64,
    pub counted: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Total {
    pub base: i64,
    pub items: Vec<ItemTotal>,
    pub total: i64,
}

/// Clamps `raw` to `cap` in the direction of its sign.
pub fn capped(raw: i64, cap: Option<i64>) -> i64 {
    match cap {
        Some(c) if raw > c => c,
        Some(c) if raw < -c => -c,
        _ => raw,
    }
}

/// What a member did in a period, by source: the input of [`total_of`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub attended: i64,
    pub unexcused: i64,
    pub registered: bool,
    /// Whole hours of volunteer service recorded.
    pub service_hours: i64,
    /// Micro-wishes the member claimed and saw fulfilled.
    pub wishes: i64,
    /// Red errands the member did and the resident confirmed.
    pub errands: i64,
}

/// The total alone, without allocating: rankings compute it for every member of a scope.
/// `manual` gives the approved manual points of an item by its index in `scheme.items`.
pub fn total_of(scheme: &Scheme, c: Counts, manual: impl Fn(usize) -> i64) -> i64 {
    let sum: i64 = scheme.base
        + scheme
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| capped(raw(item, c, manual(i)), item.cap))
            .sum::<i64>();
    if scheme.kind == SchemeKind::Deduction {
        sum.max(0)
    } else {
        sum
    }
}

/// An item's raw points from what the member did; `manual` is its approved manual points.
pub fn raw(item: &Item, c: Counts, manual: i64) -> i64 {
    match item.source {
        Source::MeetingAttended => c.attended * item.points,
        Source::MeetingAbsentUnexcused => c.unexcused * item.points,
        Source::Registration => i64::from(c.registered) * item.points,
        Source::ServiceHours => c.service_hours * item.points,
        Source::WishFulfilled => c.wishes * item.points,
        Source::ErrandDone => c.errands * item.points,
        Source::Manual => manual,
    }
}

/// The total from raw points per item code (items unknown to the scheme are ignored).
pub fn total(scheme: &Scheme, raw: &HashMap<String, i64>) -> Total {
    let mut items: Vec<ItemTotal> = scheme
        .items
        .iter()
        .filter_map(|i| {
            let r = *raw.get(&i.code)?;
            Some(ItemTotal {
                item: i.code.clone(),
                raw: r,
                counted: capped(r, i.cap),
            })
        })
        .collect();
    items.sort_by(|a, b| a.item.cmp(&b.item));
    let sum: i64 = scheme.base + items.iter().map(|i| i.counted).sum::<i64>();
    let total = if scheme.kind == SchemeKind::Deduction {
        sum.max(0)
    } else {
        sum
    };
    Total {
        base: scheme.base,
        items,
        total,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{accrual_scheme, twelve_point_scheme};
    use super::*;

    fn raw(pairs: &[(&str, i64)]) -> HashMap<String, i64> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn accrual_points_are_capped_per_item() {
        let s = accrual_scheme();
        // 40 meetings × 2 = 80, capped at 60; registration 10; one unexcused absence −5.
        let t = total(
            &s,
            &raw(&[("attend", 80), ("register", 10), ("absent", -5)]),
        );
        assert_eq!(t.total, 65);
        assert_eq!(
            t.items.iter().find(|i| i.item == "attend").unwrap().counted,
            60
        );
    }

    #[test]
    fn twelve_points_deduct_like_a_driving_licence() {
        let s = twelve_point_scheme();
        assert_eq!(
            total(&s, &HashMap::new()).total,
            12,
            "a clean year keeps all twelve"
        );
        // Three unexcused absences (−6) and late dues (−3): 3 left.
        assert_eq!(total(&s, &raw(&[("absent", -6), ("dues", -3)])).total, 3);
        // Absences capped at −12, misconduct −6 more: never below zero.
        assert_eq!(
            total(&s, &raw(&[("absent", -20), ("conduct", -6)])).total,
            0
        );
        assert_eq!(capped(-20, Some(12)), -12);
        assert_eq!(capped(5, None), 5);
    }

    #[test]
    fn the_fast_total_agrees_with_the_itemised_one() {
        for s in [accrual_scheme(), twelve_point_scheme()] {
            let c = Counts {
                attended: 35,
                unexcused: 3,
                registered: true,
                service_hours: 7,
                wishes: 2,
                errands: 4,
            };
            let mut r = HashMap::new();
            for i in &s.items {
                let v = match i.source {
                    Source::MeetingAttended => c.attended * i.points,
                    Source::MeetingAbsentUnexcused => c.unexcused * i.points,
                    Source::Registration => i.points,
                    Source::ServiceHours => c.service_hours * i.points,
                    Source::WishFulfilled => c.wishes * i.points,
                    Source::ErrandDone => c.errands * i.points,
                    Source::Manual => i.points,
                };
                r.insert(i.code.clone(), v);
            }
            let fast = total_of(&s, c, |i| s.items[i].points);
            assert_eq!(fast, total(&s, &r).total, "{}", s.code);
        }
    }
}
