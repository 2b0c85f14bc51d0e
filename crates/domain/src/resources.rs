//! 资源清单 (resources): what stationed units, communities, mass organisations and volunteer
//! teams offer — venues, funds, expertise, equipment, volunteer capacity — with how much, the
//! days and dates it is available, and the area it serves. Projects draw on its capacity.

use crate::Invalid;
use chrono::{Datelike, NaiveDate};

labelled_enum! {
    ResourceKind, "kind" {
        Venue = "venue", "场地";
        Funds = "funds", "资金";
        Expertise = "expertise", "专业技能";
        Equipment = "equipment", "设施设备";
        Volunteers = "volunteers", "志愿力量";
    }
}

labelled_enum! {
    /// Who offers it.
    OwnerKind, "owner_kind" {
        Unit = "unit", "驻区单位";
        Community = "community", "社区";
        MassOrg = "mass_org", "群团组织";
        VolunteerTeam = "volunteer_team", "志愿服务队";
    }
}

labelled_enum! {
    ResourceStatus, "status" {
        Active = "active", "可用";
        Withdrawn = "withdrawn", "已撤回";
    }
}

/// How much a resource holds (places, square metres, yuan, hours …): at least one.
pub fn capacity(n: i64) -> Result<i64, Invalid> {
    if (1..=1_000_000_000).contains(&n) {
        Ok(n)
    } else {
        Err(Invalid::new("capacity", n, msg!("应为不小于 1 的数量")))
    }
}

/// The weekdays a resource is available, as typed: digits 1 (Monday) to 7 (Sunday) in any
/// order or separated by commas; blank for every day. Kept as the sorted digits ("67").
pub fn days(raw: &str) -> Result<String, Invalid> {
    let mut d: Vec<char> = raw
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' ' | '、'))
        .collect();
    if d.iter().any(|c| !('1'..='7').contains(c)) {
        return Err(Invalid::new(
            "days",
            raw,
            msg!("应为 1（周一）到 7（周日）的数字，如 67 表示周末"),
        ));
    }
    d.sort_unstable();
    d.dedup();
    Ok(if d.is_empty() || d.len() == 7 {
        String::new()
    } else {
        d.into_iter().collect()
    })
}

/// Whether a resource available on `days` ("" for every day) between `from` and `until` can
/// serve something wanted between `want_from` and `want_until`: the two date ranges meet and
/// a day of the week it is open falls in their meeting. Open ends are unbounded.
pub fn available(
    days: &str,
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
    want_from: Option<NaiveDate>,
    want_until: Option<NaiveDate>,
) -> bool {
    let lo = match (from, want_from) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    let hi = match (until, want_until) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if let (Some(lo), Some(hi)) = (lo, hi) {
        if hi < lo {
            return false;
        }
        if days.is_empty() || (hi - lo).num_days() >= 6 {
            return true;
        }
        // Under a week: one of its days must be a day the resource opens.
        let mut day = lo;
        loop {
            let n = day.weekday().number_from_monday();
            if char::from_digit(n, 10).is_some_and(|c| days.contains(c)) {
                return true;
            }
            match day.succ_opt() {
                Some(next) if next <= hi => day = next,
                _ => return false,
            }
        }
    } else {
        true
    }
}

/// The weekdays as people read them: "周六、周日", or "每天".
pub fn days_label(days: &str) -> String {
    const NAMES: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
    if days.is_empty() {
        return "每天".into();
    }
    days.chars()
        .filter_map(|c| c.to_digit(10))
        .filter(|d| (1..=7).contains(d))
        .map(|d| NAMES[d as usize - 1])
        .collect::<Vec<_>>()
        .join("、")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn weekdays_are_kept_as_sorted_digits() {
        assert_eq!(days("7,6").unwrap(), "67");
        assert_eq!(days("1234567").unwrap(), "");
        assert_eq!(days("").unwrap(), "");
        assert_eq!(days("8").unwrap_err().field, "days");
        assert_eq!(days("周六").unwrap_err().field, "days");
        assert_eq!(days_label("67"), "周六、周日");
        assert_eq!(days_label(""), "每天");
    }

    #[test]
    fn availability_meets_the_wanted_dates_on_an_open_day() {
        // 2026-12-05 is a Saturday.
        assert!(available(
            "6",
            None,
            None,
            Some(d("2026-12-05")),
            Some(d("2026-12-05"))
        ));
        assert!(!available(
            "1",
            None,
            None,
            Some(d("2026-12-05")),
            Some(d("2026-12-06"))
        ));
        assert!(available(
            "7",
            None,
            None,
            Some(d("2026-12-05")),
            Some(d("2026-12-06"))
        ));
        assert!(available(
            "",
            Some(d("2026-12-01")),
            Some(d("2026-12-31")),
            Some(d("2026-12-20")),
            None
        ));
        assert!(!available(
            "",
            Some(d("2026-12-01")),
            Some(d("2026-12-10")),
            Some(d("2026-12-20")),
            None
        ));
        assert!(available(
            "3",
            None,
            None,
            Some(d("2026-12-01")),
            Some(d("2026-12-31"))
        ));
        assert!(available("3", None, None, None, None));
        assert!(capacity(0).is_err() && capacity(20).is_ok());
    }
}
