//! Matching needs with resources: for an open need, each resource of its top category that
//! can still serve it (close enough, capacity left, open when it is wanted) gets a score from
//! five factors, and says why. The factors and their weights:
//!
//! | factor | weight | value |
//! |---|---|---|
//! | category | 0.30 | 1 for the same subcategory, 0.5 for the same top category |
//! | distance | 0.25 | 1 − d ÷ reach (reach: the resource's, or 3 km), 0.5 when a point is unknown |
//! | capacity left | 0.15 | left ÷ people, at most 1 |
//! | availability | 0.10 | 1 when open on a day it is wanted (or any day) |
//! | words | 0.20 | shared words ÷ all words of the two texts (jieba) |
//!
//! A resource of another top category, farther than its reach, with nothing left, or closed
//! whenever the need is wanted is no candidate at all.

use crate::needs::top_of;
use crate::resources;
use crate::words;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The reach of a resource that names none: 3 km.
pub const DEFAULT_REACH_M: f64 = 3000.0;

/// Suggestions kept per need.
pub const KEPT: usize = 5;

const WEIGHTS: [f64; 5] = [0.30, 0.25, 0.15, 0.10, 0.20];

/// What matching reads of a need.
pub struct NeedSide<'a> {
    pub category: &'a str,
    pub point: Option<(f64, f64)>,
    pub people: i64,
    pub wanted_from: Option<NaiveDate>,
    pub wanted_until: Option<NaiveDate>,
    pub words: &'a [String],
}

/// What matching reads of a resource.
pub struct ResourceSide<'a> {
    pub category: &'a str,
    pub point: Option<(f64, f64)>,
    /// How far it serves, in metres; none for the default reach.
    pub reach_m: Option<f64>,
    pub capacity: i64,
    pub used: i64,
    /// Weekdays it is open, as `resources::days` keeps them.
    pub days: &'a str,
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub words: &'a [String],
}

/// Why a resource suits a need: drawn, in the reader's language, for the suggestions shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Why {
    /// The same subcategory (else only the same top category).
    pub same_sub: bool,
    /// Metres apart, when both points are known.
    pub metres: Option<f64>,
    /// Capacity left.
    pub left: i64,
    /// The weekdays it is open ("" for every day).
    pub days: String,
    /// Words the two texts share.
    pub words: Vec<String>,
}

/// What a resource scores for a need: worked out for every candidate, so it allocates
/// nothing; why it suits is drawn only for the few kept ([`why`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rated {
    /// 0–100.
    pub score: f64,
    /// Each factor's value, 0–1, in the order of the table above.
    pub factors: [f64; 5],
}

/// Metres between two points (longitude, latitude in degrees) on a sphere of the Earth's
/// mean radius.
pub fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lon1, lat1) = (a.0.to_radians(), a.1.to_radians());
    let (lon2, lat2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * h.sqrt().asin()
}

/// The score of `r` for `n`, or none when it is no candidate.
pub fn rate(n: &NeedSide<'_>, r: &ResourceSide<'_>) -> Option<Rated> {
    if top_of(n.category) != top_of(r.category) {
        return None;
    }
    let category = if n.category == r.category { 1.0 } else { 0.5 };
    let reach = r.reach_m.unwrap_or(DEFAULT_REACH_M).max(1.0);
    let distance = match (n.point, r.point) {
        (Some(a), Some(b)) => {
            let d = metres(a, b);
            if d > reach {
                return None;
            }
            1.0 - d / reach
        }
        _ => 0.5,
    };
    let left = r.capacity - r.used;
    if left <= 0 {
        return None;
    }
    let capacity = (left as f64 / n.people.max(1) as f64).min(1.0);
    if !resources::available(r.days, r.from, r.until, n.wanted_from, n.wanted_until) {
        return None;
    }
    let availability = 1.0;
    let alike = words::alike(n.words, r.words);
    let factors = [category, distance, capacity, availability, alike];
    let score = factors.iter().zip(WEIGHTS).map(|(f, w)| f * w).sum::<f64>() * 100.0;
    Some(Rated {
        score: (score * 10.0).round() / 10.0,
        factors,
    })
}

/// Why `r` suits `n`: the same subcategory or not, how far, how much is left, when it opens,
/// the words the two share.
pub fn why(n: &NeedSide<'_>, r: &ResourceSide<'_>) -> Why {
    let shared = words::shared(n.words, r.words);
    Why {
        same_sub: n.category == r.category,
        metres: n.point.zip(r.point).map(|(a, b)| metres(a, b).round()),
        left: r.capacity - r.used,
        days: r.days.to_string(),
        words: shared.into_iter().take(5).map(str::to_string).collect(),
    }
}

/// The reasons as they read in Chinese: "同类 · 1.2 公里 · 周六、周日可用 · 关键词：老人、理发".
pub fn reasons_zh(w: &Why) -> String {
    let mut parts = vec![if w.same_sub { "同类" } else { "同大类" }.to_string()];
    if let Some(m) = w.metres {
        parts.push(if m < 1000.0 {
            format!("{m:.0} 米")
        } else {
            format!("{:.1} 公里", m / 1000.0)
        });
    }
    parts.push(format!("{}可用", resources::days_label(&w.days)));
    parts.push(format!("余量 {}", w.left));
    if !w.words.is_empty() {
        parts.push(format!("关键词：{}", w.words.join("、")));
    }
    parts.join(" · ")
}

/// The reasons in English.
pub fn reasons_en(w: &Why) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let mut parts = vec![
        if w.same_sub {
            "same kind"
        } else {
            "same category"
        }
        .to_string(),
    ];
    if let Some(m) = w.metres {
        parts.push(if m < 1000.0 {
            format!("{m:.0} m")
        } else {
            format!("{:.1} km", m / 1000.0)
        });
    }
    let days = if w.days.is_empty() {
        "every day".to_string()
    } else {
        w.days
            .chars()
            .filter_map(|c| c.to_digit(10))
            .filter(|d| (1..=7).contains(d))
            .map(|d| DAYS[d as usize - 1])
            .collect::<Vec<_>>()
            .join(", ")
    };
    parts.push(format!("open {days}"));
    parts.push(format!("{} left", w.left));
    if !w.words.is_empty() {
        parts.push(format!("words: {}", w.words.join(", ")));
    }
    parts.join(" · ")
}

/// The best `KEPT` of scored candidates, best first (ties by the lower id).
pub fn best(mut scored: Vec<(i64, f64)>) -> Vec<(i64, f64)> {
    scored.sort_by(|a, b| {
        b.1.partial_cmp(&a.1)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.0.cmp(&b.0))
    });
    scored.truncate(KEPT);
    scored
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A score with why, as a suggestion shown carries both.
    #[derive(Debug)]
    struct Scored {
        score: f64,
        factors: [f64; 5],
        why: Why,
    }

    fn score(n: &NeedSide<'_>, r: &ResourceSide<'_>) -> Option<Scored> {
        let rated = rate(n, r)?;
        Some(Scored {
            score: rated.score,
            factors: rated.factors,
            why: why(n, r),
        })
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn need<'a>(words: &'a [String]) -> NeedSide<'a> {
        NeedSide {
            category: "convenience.haircut",
            point: Some((119.0, 25.4)),
            people: 10,
            wanted_from: None,
            wanted_until: None,
            words,
        }
    }

    fn resource<'a>(words: &'a [String]) -> ResourceSide<'a> {
        ResourceSide {
            category: "convenience.haircut",
            point: Some((119.0, 25.4)),
            reach_m: None,
            capacity: 20,
            used: 0,
            days: "",
            from: None,
            until: None,
            words,
        }
    }

    #[test]
    fn metres_between_points() {
        // A tenth of a degree of latitude is about 11.1 km.
        let m = metres((119.0, 25.4), (119.0, 25.5));
        assert!((m - 11_119.5).abs() < 5.0, "{m}");
        assert_eq!(metres((119.0, 25.4), (119.0, 25.4)), 0.0);
    }

    #[test]
    fn each_factor_moves_the_score() {
        let w = words::keywords("老人上门理发");
        let base = score(&need(&w), &resource(&w)).unwrap();
        assert_eq!(base.factors, [1.0, 1.0, 1.0, 1.0, 1.0]);
        assert_eq!(base.score, 100.0);

        // Category: the same top category only halves its factor; another top is no match.
        let other_sub = score(
            &need(&w),
            &ResourceSide {
                category: "convenience.meals",
                ..resource(&w)
            },
        )
        .unwrap();
        assert_eq!(other_sub.factors[0], 0.5);
        assert!(!other_sub.why.same_sub);
        assert!((other_sub.score - 85.0).abs() < 1e-9);
        assert!(
            score(
                &need(&w),
                &ResourceSide {
                    category: "culture.arts",
                    ..resource(&w)
                }
            )
            .is_none()
        );

        // Distance: 1.5 km of a 3 km reach is half; past the reach, no match; unknown, half.
        let far = ResourceSide {
            point: Some((119.0, 25.4 + 1500.0 / 111_195.0)),
            ..resource(&w)
        };
        let s = score(&need(&w), &far).unwrap();
        assert!((s.factors[1] - 0.5).abs() < 0.01, "{:?}", s.factors);
        assert_eq!(s.why.metres, Some(1500.0));
        assert!(
            score(
                &need(&w),
                &ResourceSide {
                    point: Some((119.0, 25.45)),
                    ..resource(&w)
                }
            )
            .is_none()
        );
        assert!(
            score(
                &need(&w),
                &ResourceSide {
                    point: Some((119.0, 25.45)),
                    reach_m: Some(10_000.0),
                    ..resource(&w)
                }
            )
            .is_some()
        );
        assert_eq!(
            score(
                &need(&w),
                &ResourceSide {
                    point: None,
                    ..resource(&w)
                }
            )
            .unwrap()
            .factors[1],
            0.5
        );

        // Capacity left: 5 left for 10 people is half; none left, no match.
        let s = score(
            &need(&w),
            &ResourceSide {
                used: 15,
                ..resource(&w)
            },
        )
        .unwrap();
        assert_eq!(s.factors[2], 0.5);
        assert_eq!(s.why.left, 5);
        assert!(
            score(
                &need(&w),
                &ResourceSide {
                    used: 20,
                    ..resource(&w)
                }
            )
            .is_none()
        );

        // Availability: open only on Mondays for a need wanted on a weekend is no match.
        let weekend = NeedSide {
            wanted_from: Some(d("2026-12-05")),
            wanted_until: Some(d("2026-12-06")),
            ..need(&w)
        };
        assert!(
            score(
                &weekend,
                &ResourceSide {
                    days: "1",
                    ..resource(&w)
                }
            )
            .is_none()
        );
        let s = score(
            &weekend,
            &ResourceSide {
                days: "6",
                ..resource(&w)
            },
        )
        .unwrap();
        assert_eq!(s.factors[3], 1.0);

        // Words: nothing shared scores none of that factor.
        let other = words::keywords("电工技能培训");
        let s = score(&need(&w), &resource(&other)).unwrap();
        assert_eq!(s.factors[4], 0.0);
        assert!((s.score - 80.0).abs() < 1e-9);
    }

    #[test]
    fn reasons_read_as_the_issue_writes_them() {
        let why = Why {
            same_sub: true,
            metres: Some(1200.0),
            left: 30,
            days: "6".into(),
            words: vec!["老人".into(), "理发".into()],
        };
        assert_eq!(
            reasons_zh(&why),
            "同类 · 1.2 公里 · 周六可用 · 余量 30 · 关键词：老人、理发"
        );
        assert_eq!(
            reasons_en(&why),
            "same kind · 1.2 km · open Sat · 30 left · words: 老人, 理发"
        );
    }

    #[test]
    fn why_names_the_shared_words_the_score_counted() {
        let w = vec!["老人".to_string(), "理发".to_string()];
        let r = vec!["理发".to_string(), "志愿".to_string()];
        let rated = rate(&need(&w), &resource(&r)).unwrap();
        assert!((rated.factors[4] - 1.0 / 3.0).abs() < 1e-9);
        let why = why(&need(&w), &resource(&r));
        assert_eq!(why.words, vec!["理发".to_string()]);
        assert!(why.same_sub);
    }

    #[test]
    fn the_best_five_best_first() {
        let got = best((1..=8).map(|i| (i, i as f64 % 4.0)).collect());
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![3, 7, 2, 6, 1]
        );
    }
}
