//! 需求清单 (needs): what residents, grid workers and units ask of their community. A need
//! posted by a resident waits for the community's review; an open need is met by a project,
//! an errand, a wish or volunteering, merged into the same need posted before, or closed.
//! Categories are data (a top category and its subcategories, `culture.arts`); the figures
//! count by top category, as Yiwu reports them.

use crate::Invalid;
use chrono::NaiveDate;

labelled_enum! {
    NeedStatus, "status" {
        Pending = "pending", "待审核";
        Open = "open", "待对接";
        InProject = "in_project", "项目实施中";
        Met = "met", "已满足";
        Merged = "merged", "已合并";
        Closed = "closed", "已关闭";
        Refused = "refused", "未通过审核";
    }
}

labelled_enum! {
    NeedUrgency, "urgency" {
        Normal = "normal", "一般";
        Urgent = "urgent", "较急";
        Critical = "critical", "紧急";
    }
}

labelled_enum! {
    /// Who raised the need.
    NeedSource, "source" {
        Resident = "resident", "居民";
        GridWorker = "grid_worker", "网格员";
        Unit = "unit", "驻区单位";
        Community = "community", "社区";
    }
}

labelled_enum! {
    /// How a need was met.
    MetBy, "met_by" {
        Project = "project", "服务项目";
        Errand = "errand", "红色代办";
        Wish = "wish", "微心愿";
        Volunteering = "volunteering", "志愿服务";
        Direct = "direct", "社区直接解决";
    }
}

labelled_enum! {
    /// What a community's writer does to a need.
    NeedMove, "move" {
        Approve = "approve", "审核通过";
        Refuse = "refuse", "退回";
        Merge = "merge", "合并到已有需求";
        Meet = "meet", "标记已满足";
        Close = "close", "关闭";
    }
}

impl NeedStatus {
    /// Counted among the needs collected: reviewed, and not folded into another.
    pub fn collected(self) -> bool {
        matches!(
            self,
            NeedStatus::Open | NeedStatus::InProject | NeedStatus::Met | NeedStatus::Closed
        )
    }
}

/// The status a move leads to from `from`, or why it cannot be made.
pub fn next(from: NeedStatus, m: NeedMove) -> Result<NeedStatus, Invalid> {
    use NeedMove::*;
    use NeedStatus::*;
    match (from, m) {
        (Pending, Approve) => Ok(Open),
        (Pending, Refuse) => Ok(Refused),
        (Pending | Open, Merge) => Ok(Merged),
        (Open, Meet) => Ok(Met),
        (Open, Close) => Ok(Closed),
        _ => Err(Invalid::new(
            "move",
            m.code(),
            msg!(
                "需求“{status}”时不能{action}",
                status = from.label(),
                action = m.label()
            ),
        )),
    }
}

/// A category code: a top category, or a top and a subcategory joined by a dot, in lower-case
/// letters, digits and '_' (`convenience`, `convenience.haircut`).
pub fn category_code(raw: &str) -> Result<String, Invalid> {
    let t = raw.trim().to_ascii_lowercase();
    let part = |p: &str| {
        (1..=24).contains(&p.len())
            && p.starts_with(|c: char| c.is_ascii_lowercase())
            && p.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    let parts: Vec<&str> = t.split('.').collect();
    if (1..=2).contains(&parts.len()) && parts.iter().all(|p| part(p)) {
        Ok(t)
    } else {
        Err(Invalid::new(
            "category",
            raw,
            msg!("应为类别代码，如 convenience 或 convenience.haircut"),
        ))
    }
}

/// The top category a category belongs to.
pub fn top_of(code: &str) -> &str {
    code.split('.').next().unwrap_or(code)
}

/// People a need affects: at least one.
pub fn people(n: i64) -> Result<i64, Invalid> {
    if (1..=1_000_000).contains(&n) {
        Ok(n)
    } else {
        Err(Invalid::new(
            "people",
            n,
            msg!("应为 1 到 1000000 之间的人数"),
        ))
    }
}

/// A rating of what was done: one to five stars.
pub fn rating(n: i64) -> Result<i64, Invalid> {
    if (1..=5).contains(&n) {
        Ok(n)
    } else {
        Err(Invalid::new("rating", n, msg!("应为 1 到 5 星")))
    }
}

/// When a need is wanted: `until` not before `from`.
pub fn window(
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
) -> Result<(Option<NaiveDate>, Option<NaiveDate>), Invalid> {
    match (from, until) {
        (Some(f), Some(u)) if u < f => Err(Invalid::new(
            "wanted_until",
            u,
            msg!("不能早于开始日期 {from}", from = f),
        )),
        w => Ok(w),
    }
}

/// A title reduced to what says it is the same need: letters and digits only, lower-case, so
/// "小区 路灯坏了！" and "小区路灯坏了" meet.
pub fn title_key(title: &str) -> String {
    title
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whole days from posting to meeting (the median the figures report).
pub fn days_to_meet(posted: NaiveDate, met: NaiveDate) -> i64 {
    (met - posted).num_days().max(0)
}

/// The median of a histogram of whole days (`(days, count)` in any order): the lower middle
/// value for an even count; none for no values.
pub fn median_days(histogram: &[(i64, i64)]) -> Option<f64> {
    let mut h: Vec<(i64, i64)> = histogram.iter().copied().filter(|(_, n)| *n > 0).collect();
    h.sort_unstable();
    let total: i64 = h.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    let value_at = |k: i64| {
        let mut seen = 0;
        for (d, n) in &h {
            seen += n;
            if seen > k {
                return *d;
            }
        }
        h.last().map_or(0, |(d, _)| *d)
    };
    Some(if total % 2 == 1 {
        value_at(total / 2) as f64
    } else {
        (value_at(total / 2 - 1) + value_at(total / 2)) as f64 / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_need_is_reviewed_then_met_merged_or_closed() {
        use NeedMove::*;
        use NeedStatus::*;
        assert_eq!(next(Pending, Approve).unwrap(), Open);
        assert_eq!(next(Pending, Refuse).unwrap(), Refused);
        assert_eq!(next(Open, Merge).unwrap(), Merged);
        assert_eq!(next(Pending, Merge).unwrap(), Merged);
        assert_eq!(next(Open, Meet).unwrap(), Met);
        assert_eq!(next(Open, Close).unwrap(), Closed);
        for (from, m) in [
            (Open, Approve),
            (Pending, Meet),
            (Met, Close),
            (InProject, Meet),
            (Merged, Merge),
            (Closed, Meet),
            (Refused, Approve),
        ] {
            assert_eq!(next(from, m).unwrap_err().field, "move", "{from:?} {m:?}");
        }
        assert!(Open.collected() && Met.collected() && !Pending.collected());
        assert!(!Merged.collected() && !Refused.collected());
    }

    #[test]
    fn category_codes() {
        assert_eq!(
            category_code(" Convenience.Haircut ").unwrap(),
            "convenience.haircut"
        );
        assert_eq!(top_of("convenience.haircut"), "convenience");
        assert_eq!(top_of("other"), "other");
        for bad in ["", "a.b.c", "1abc", "便民", "conv-x", "conv."] {
            assert_eq!(category_code(bad).unwrap_err().field, "category", "{bad}");
        }
    }

    #[test]
    fn the_same_need_posted_twice_reads_the_same() {
        assert_eq!(title_key("小区 路灯坏了！"), title_key("小区路灯坏了"));
        assert_ne!(title_key("小区路灯坏了"), title_key("小区水管坏了"));
        assert_eq!(title_key("WiFi 坏了"), title_key("wifi坏了"));
    }

    #[test]
    fn bounds() {
        assert!(people(0).is_err() && people(3).is_ok());
        assert!(rating(0).is_err() && rating(6).is_err() && rating(5).is_ok());
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(
            window(Some(d("2026-12-05")), Some(d("2026-12-01")))
                .unwrap_err()
                .field,
            "wanted_until"
        );
        assert!(window(Some(d("2026-12-01")), None).is_ok());
        assert_eq!(days_to_meet(d("2026-12-01"), d("2026-12-05")), 4);
    }

    #[test]
    fn the_median_of_a_histogram_is_the_median_of_its_values() {
        assert_eq!(median_days(&[]), None);
        assert_eq!(median_days(&[(3, 1)]), Some(3.0));
        // 1, 2, 2, 9 → (2 + 2) / 2
        assert_eq!(median_days(&[(9, 1), (1, 1), (2, 2)]), Some(2.0));
        // 1, 4 → 2.5
        assert_eq!(median_days(&[(4, 1), (1, 1), (7, 0)]), Some(2.5));
        // brute force over small histograms
        for a in 0..4i64 {
            for b in 0..4i64 {
                for c in 0..4i64 {
                    let h = [(0, a), (5, b), (11, c)];
                    let mut all: Vec<i64> = h
                        .iter()
                        .flat_map(|(d, n)| std::iter::repeat_n(*d, *n as usize))
                        .collect();
                    all.sort();
                    let want = if all.is_empty() {
                        None
                    } else if all.len() % 2 == 1 {
                        Some(all[all.len() / 2] as f64)
                    } else {
                        Some((all[all.len() / 2 - 1] + all[all.len() / 2]) as f64 / 2.0)
                    };
                    assert_eq!(median_days(&h), want, "{h:?}");
                }
            }
        }
    }
}
