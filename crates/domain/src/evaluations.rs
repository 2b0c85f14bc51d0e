//! Two-way evaluation (双向评价): once a year a community rates each unit party organisation and
//! in-service member registered (双报到) with it, and each unit rates the community.

use crate::Invalid;

labelled_enum! {
    /// Who is rated; the rater is the other side of the registration.
    Subject, "subject" {
        Unit = "unit", "驻区单位党组织" | "单位";
        Member = "member", "在职党员" | "党员";
        Community = "community", "社区党组织" | "社区";
    }
}

labelled_enum! {
    Grade, "grade" {
        Excellent = "excellent", "优秀";
        Good = "good", "良好";
        Fair = "fair", "一般";
        Poor = "poor", "较差";
    }
}

impl Grade {
    /// The share (0–1) a grade contributes to an org's assessment.
    pub fn share(self) -> f64 {
        match self {
            Grade::Excellent => 1.0,
            Grade::Good => 0.8,
            Grade::Fair => 0.6,
            Grade::Poor => 0.3,
        }
    }
}

/// A year can be evaluated once it has begun, and not before the system's records start.
pub fn check_year(year: i32, this_year: i32) -> Result<i32, Invalid> {
    if year > this_year {
        return Err(Invalid::new("year", year, msg!("不能评价尚未开始的年度")));
    }
    if year < 2000 {
        return Err(Invalid::new("year", year, msg!("年度应不早于 2000 年")));
    }
    Ok(year)
}

/// The mean share of the grades received, or `None` when there are none.
pub fn mean_share(grades: &[Grade]) -> Option<f64> {
    if grades.is_empty() {
        return None;
    }
    Some(grades.iter().map(|g| g.share()).sum::<f64>() / grades.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_parse_by_code_or_label_and_rank_by_share() {
        assert_eq!(Grade::parse("优秀").unwrap(), Grade::Excellent);
        assert_eq!(Grade::parse("poor").unwrap(), Grade::Poor);
        assert_eq!(Grade::parse("很好").unwrap_err().field, "grade");
        let shares: Vec<f64> = Grade::ALL.iter().map(|g| g.share()).collect();
        assert!(shares.windows(2).all(|w| w[0] > w[1]));
    }

    #[test]
    fn years_ahead_are_refused() {
        assert_eq!(check_year(2026, 2026).unwrap(), 2026);
        assert_eq!(check_year(2027, 2026).unwrap_err().field, "year");
        assert!(check_year(1999, 2026).is_err());
    }

    #[test]
    fn the_mean_share_counts_each_grade_once() {
        assert_eq!(mean_share(&[]), None);
        let m = mean_share(&[Grade::Excellent, Grade::Fair]).unwrap();
        assert!((m - 0.8).abs() < 1e-9);
    }
}
