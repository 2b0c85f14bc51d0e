//! The organisation tree: levels, categories, where an org may sit, and its term.

use crate::Invalid;
use crate::msg::Label;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

labelled_enum! {
    /// From the district committee down to the party-member central household.
    OrgLevel, "level" {
        District = "district", "区县党委" | "区委" | "县委";
        Street = "street", "街道党工委" | "大工委" | "街道";
        Community = "community", "社区党委" | "大党委" | "社区";
        Branch = "branch", "党支部" | "支部";
        Group = "group", "党小组";
        CentralHousehold = "household", "党员中心户";
    }
}

labelled_enum! {
    /// What an org is built around.
    OrgCategory, "category" {
        Regional = "regional", "区域党组织";
        Grid = "grid", "网格党支部";
        Compound = "compound", "小区党支部";
        Unit = "unit", "单位党组织";
        Temporary = "temporary", "临时党组织" | "临时党支部";
        Functional = "functional", "功能型党组织";
    }
}

labelled_enum! {
    /// Seats on an org's committee.
    CommitteePosition, "position" {
        Secretary = "secretary", "书记";
        DeputySecretary = "deputy", "副书记";
        Member = "member", "委员";
    }
}

impl OrgLevel {
    fn rank(self) -> u8 {
        self as u8
    }

    /// Years between elections (换届): 5 for district and community-level committees,
    /// 3 for branches; street working committees are appointed, groups are not elected.
    pub fn term_years(self, category: OrgCategory) -> Option<u32> {
        if category == OrgCategory::Temporary {
            return None;
        }
        match self {
            OrgLevel::District | OrgLevel::Community => Some(5),
            OrgLevel::Branch => Some(3),
            OrgLevel::Street | OrgLevel::Group | OrgLevel::CentralHousehold => None,
        }
    }
}

/// Checks that an org of `level` and `category` may sit under `parent` (None: a root).
pub fn check_placement(
    level: OrgLevel,
    category: OrgCategory,
    parent: Option<OrgLevel>,
) -> Result<(), Invalid> {
    match parent {
        None if level != OrgLevel::District => {
            return Err(Invalid::new(
                "parent",
                "",
                msg!(
                    "{level}必须有上级党组织，只有区县党委可作为根",
                    level = Label(level.label())
                ),
            ));
        }
        Some(p) if p.rank() >= level.rank() => {
            return Err(Invalid::new(
                "parent",
                p.label(),
                msg!(
                    "{level}不能隶属于同级或下级的{parent}",
                    level = Label(level.label()),
                    parent = Label(p.label())
                ),
            ));
        }
        Some(p) if level == OrgLevel::CentralHousehold && p.rank() < OrgLevel::Branch.rank() => {
            return Err(Invalid::new(
                "parent",
                p.label(),
                msg!("党员中心户应隶属于党支部或党小组"),
            ));
        }
        _ => {}
    }
    let allowed: &[OrgLevel] = match category {
        OrgCategory::Regional => OrgLevel::ALL,
        OrgCategory::Grid | OrgCategory::Compound => &[OrgLevel::Branch],
        OrgCategory::Unit => &[OrgLevel::Community, OrgLevel::Branch],
        OrgCategory::Temporary => &[OrgLevel::Branch, OrgLevel::Group],
        OrgCategory::Functional => &[OrgLevel::Branch, OrgLevel::Group],
    };
    if !allowed.contains(&level) {
        return Err(Invalid::new(
            "category",
            category.label(),
            msg!(
                "{category}不能设为{level}",
                category = Label(category.label()),
                level = Label(level.label())
            ),
        ));
    }
    Ok(())
}

/// A temporary org is tied to a project and ends; others have neither.
pub fn check_temporary(
    category: OrgCategory,
    project: Option<&str>,
    ends_on: Option<NaiveDate>,
    founded_on: Option<NaiveDate>,
) -> Result<(), Invalid> {
    if category == OrgCategory::Temporary {
        if project.is_none_or(|p| p.trim().is_empty()) {
            return Err(Invalid::new(
                "project",
                "",
                msg!("临时党组织必须填写依托项目"),
            ));
        }
        match (ends_on, founded_on) {
            (None, _) => {
                return Err(Invalid::new(
                    "ends_on",
                    "",
                    msg!("临时党组织必须填写撤销日期"),
                ));
            }
            (Some(e), Some(f)) if e <= f => {
                return Err(Invalid::new("ends_on", e, msg!("撤销日期应晚于成立日期")));
            }
            _ => {}
        }
    } else if let Some(e) = ends_on {
        return Err(Invalid::new("ends_on", e, msg!("只有临时党组织有撤销日期")));
    }
    Ok(())
}

/// 1921-07-01: no party org or membership can date from before it.
pub const PARTY_FOUNDED: NaiveDate = match NaiveDate::from_ymd_opt(1921, 7, 1) {
    Some(d) => d,
    None => panic!("valid date"),
};

/// Founding and election dates must follow the party's founding and each other.
pub fn check_dates(
    founded_on: Option<NaiveDate>,
    elected_on: Option<NaiveDate>,
) -> Result<(), Invalid> {
    if let Some(f) = founded_on
        && f < PARTY_FOUNDED
    {
        return Err(Invalid::new(
            "founded_on",
            f,
            msg!("早于 1921 年 7 月 1 日建党"),
        ));
    }
    if let (Some(f), Some(e)) = (founded_on, elected_on)
        && e < f
    {
        return Err(Invalid::new(
            "elected_on",
            e,
            msg!("早于成立日期 {founded}", founded = f),
        ));
    }
    Ok(())
}

/// The date the next election is due.
pub fn term_due(elected_on: NaiveDate, years: u32) -> NaiveDate {
    elected_on + Months::new(12 * years)
}

/// An org code: letters, digits, '-', '_' and '.', 1 to 40 long.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct OrgCode(String);

impl OrgCode {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let t = raw.trim();
        if t.is_empty()
            || t.len() > 40
            || !t
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        {
            return Err(Invalid::new(
                "code",
                raw,
                msg!("应为 1–40 位字母、数字或 - _ ."),
            ));
        }
        Ok(OrgCode(t.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for OrgCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for OrgCode {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        OrgCode::parse(&s)
    }
}

impl From<OrgCode> for String {
    fn from(c: OrgCode) -> String {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn placement_follows_levels() {
        use OrgCategory::*;
        use OrgLevel::*;
        assert!(check_placement(District, Regional, None).is_ok());
        assert!(check_placement(Street, Regional, None).is_err());
        assert!(check_placement(Community, Regional, Some(Street)).is_ok());
        assert!(check_placement(Branch, Unit, Some(Street)).is_ok());
        assert!(check_placement(Street, Regional, Some(Community)).is_err());
        assert!(check_placement(Branch, Regional, Some(Branch)).is_err());
        assert!(check_placement(Community, Grid, Some(Street)).is_err());
        assert!(check_placement(CentralHousehold, Regional, Some(Group)).is_ok());
        assert!(check_placement(CentralHousehold, Regional, Some(Community)).is_err());
    }

    #[test]
    fn terms() {
        assert_eq!(
            OrgLevel::Community.term_years(OrgCategory::Regional),
            Some(5)
        );
        assert_eq!(OrgLevel::Branch.term_years(OrgCategory::Grid), Some(3));
        assert_eq!(OrgLevel::Branch.term_years(OrgCategory::Temporary), None);
        assert_eq!(OrgLevel::Street.term_years(OrgCategory::Regional), None);
        assert_eq!(term_due(d("2024-02-29"), 3), d("2027-02-28"));
    }

    #[test]
    fn temporary_needs_project_and_end() {
        let f = Some(d("2026-01-01"));
        assert!(
            check_temporary(
                OrgCategory::Temporary,
                Some("木兰溪治理"),
                Some(d("2027-01-01")),
                f
            )
            .is_ok()
        );
        assert_eq!(
            check_temporary(OrgCategory::Temporary, None, Some(d("2027-01-01")), f)
                .unwrap_err()
                .field,
            "project"
        );
        assert_eq!(
            check_temporary(OrgCategory::Temporary, Some("x"), None, f)
                .unwrap_err()
                .field,
            "ends_on"
        );
        assert_eq!(
            check_temporary(OrgCategory::Temporary, Some("x"), Some(d("2025-01-01")), f)
                .unwrap_err()
                .field,
            "ends_on"
        );
        assert_eq!(
            check_temporary(OrgCategory::Grid, None, Some(d("2027-01-01")), f)
                .unwrap_err()
                .field,
            "ends_on"
        );
    }

    #[test]
    fn codes_and_labels() {
        assert!(OrgCode::parse("PT-0001").is_ok());
        assert!(OrgCode::parse("含中文").is_err());
        assert_eq!(OrgLevel::parse("大党委").unwrap(), OrgLevel::Community);
        assert_eq!(
            OrgLevel::parse("household").unwrap(),
            OrgLevel::CentralHousehold
        );
        assert_eq!(OrgLevel::parse("xx").unwrap_err().field, "level");
    }
}
