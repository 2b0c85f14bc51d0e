//! 阵地 (service positions): party-mass service centres, 微阵地, 支部家院, open org-life bases,
//! 红色书吧, 党员驿站, 流动党员之家 — where each stands, how large it is, what it holds and when
//! it opens, and the branch or unit that runs it. Floor-area standards are data, by kind and by
//! place (the deepest org whose standard names the kind decides); a position below its
//! standard is flagged.

use crate::Invalid;

labelled_enum! {
    PositionKind, "kind" {
        Centre = "centre", "党群服务中心";
        Micro = "micro", "微阵地";
        BranchHome = "branch_home", "支部家院";
        OrglifeBase = "orglife_base", "开放式组织生活基地";
        RedReading = "red_reading", "红色书吧";
        MemberStation = "member_station", "党员驿站";
        MobileHome = "mobile_home", "流动党员之家";
    }
}

/// A floor area in square metres: 1 to 100,000.
pub fn area(m2: i64) -> Result<i64, Invalid> {
    if (1..=100_000).contains(&m2) {
        Ok(m2)
    } else {
        Err(Invalid::new("area_m2", m2, msg!("应为 1 到 100000 平方米")))
    }
}

/// The standard that holds for a position of `kind` run from `path`: of the standards
/// (org path, kind, minimum m²), the one of the deepest org above or at `path` naming the kind;
/// an empty path stands for the whole city.
pub fn standard<'a>(
    standards: impl IntoIterator<Item = (&'a str, &'a str, i64)>,
    kind: PositionKind,
    path: &str,
) -> Option<i64> {
    standards
        .into_iter()
        .filter(|(at, k, _)| *k == kind.code() && path.starts_with(at))
        .max_by_key(|(at, _, _)| at.len())
        .map(|(_, _, m2)| m2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deepest_standard_naming_the_kind_holds() {
        let s = [
            ("", "centre", 500),
            ("001.", "centre", 800),
            ("001.002.", "micro", 60),
        ];
        assert_eq!(standard(s, PositionKind::Centre, "001.002.003."), Some(800));
        assert_eq!(standard(s, PositionKind::Centre, "009."), Some(500));
        assert_eq!(standard(s, PositionKind::Micro, "001.002."), Some(60));
        assert_eq!(standard(s, PositionKind::Micro, "001.003."), None);
        assert_eq!(standard(s, PositionKind::RedReading, "001."), None);
    }

    #[test]
    fn areas_are_bounded() {
        assert!(area(0).is_err() && area(100_001).is_err());
        assert_eq!(area(600).unwrap(), 600);
    }
}
