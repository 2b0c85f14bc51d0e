//! Member points (党员积分): rule sets as data. A scheme is a tree of categories whose items add
//! or deduct points, each with an optional cap per period and whether it needs evidence or
//! approval. Items name the record they come from (attending a meeting, an unexcused absence,
//! 双报到, hours of volunteer service, a micro-wish fulfilled …) so points are computed from records, never typed twice; manual items need approval.

pub mod calc;

use crate::Invalid;
use serde::{Deserialize, Serialize};

labelled_enum! {
    /// A points entry's review: manual items wait for approval.
    EntryStatus, "status" {
        Pending = "pending", "待审核";
        Approved = "approved", "已通过";
        Rejected = "rejected", "未通过";
    }
}

labelled_enum! {
    SchemeKind, "kind" {
        Accrual = "accrual", "累积积分制";
        Deduction = "deduction", "十二分制";
    }
}

labelled_enum! {
    /// The period a scheme's totals and caps run over.
    SchemePeriod, "period" {
        Year = "year", "每年";
        Quarter = "quarter", "每季度";
    }
}

labelled_enum! {
    /// Where an item's points come from.
    Source, "source" {
        Manual = "manual", "手工登记";
        MeetingAttended = "meeting_attended", "参加组织生活";
        MeetingAbsentUnexcused = "meeting_absent", "无故缺席组织生活";
        Registration = "registration", "到居住社区报到";
        ServiceHours = "service_hours", "志愿服务时长";
        WishFulfilled = "wish_fulfilled", "认领并实现微心愿";
        ErrandDone = "errand_done", "完成红色代办";
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Category {
    pub code: String,
    pub name: String,
    pub parent: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Item {
    pub code: String,
    pub name: String,
    pub category: String,
    /// Points per occurrence: positive adds, negative deducts.
    pub points: i64,
    /// At most this many points (in absolute value) from the item per period.
    pub cap: Option<i64>,
    pub evidence: bool,
    pub approval: bool,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scheme {
    pub code: String,
    pub name: String,
    pub kind: SchemeKind,
    /// Points everyone starts a period with (12 in the 十二分制, 0 in an accrual scheme).
    pub base: i64,
    pub period: SchemePeriod,
    pub categories: Vec<Category>,
    pub items: Vec<Item>,
}

impl Scheme {
    /// Refuses a category tree with a cycle or an unknown parent, an item in an unknown
    /// category, a negative cap, duplicate codes, an item worth nothing, manual items without
    /// approval, and additions in a deduction scheme.
    pub fn validate(&self) -> Result<(), Invalid> {
        crate::text::name("code", &self.code, 30)?;
        crate::text::name("name", &self.name, 50)?;
        if self.base < 0 {
            return Err(Invalid::new("base", self.base, msg!("不能为负数")));
        }
        let mut codes = std::collections::HashSet::new();
        for c in &self.categories {
            if !codes.insert(c.code.as_str()) {
                return Err(Invalid::new("categories", &c.code, msg!("编码重复")));
            }
        }
        for c in &self.categories {
            let mut seen = vec![c.code.as_str()];
            let mut at = c.parent.as_deref();
            while let Some(p) = at {
                if seen.contains(&p) {
                    return Err(Invalid::new(
                        "categories",
                        &c.code,
                        msg!("类别的上级形成了循环"),
                    ));
                }
                seen.push(p);
                at = self
                    .categories
                    .iter()
                    .find(|x| x.code == p)
                    .ok_or_else(|| Invalid::new("categories", p, msg!("没有这个上级类别")))?
                    .parent
                    .as_deref();
            }
        }
        let mut items = std::collections::HashSet::new();
        for i in &self.items {
            if !items.insert(i.code.as_str()) {
                return Err(Invalid::new("items", &i.code, msg!("编码重复")));
            }
            if !codes.contains(i.category.as_str()) {
                return Err(Invalid::new("items", &i.category, msg!("没有这个上级类别")));
            }
            if i.points == 0 {
                return Err(Invalid::new("items", &i.code, msg!("分值不能为 0")));
            }
            if let Some(c) = i.cap
                && c < 0
            {
                return Err(Invalid::new("cap", c, msg!("上限不能为负数")));
            }
            if i.source == Source::Manual && !i.approval {
                return Err(Invalid::new(
                    "items",
                    &i.code,
                    msg!("手工登记的项目须经审核"),
                ));
            }
            if self.kind == SchemeKind::Deduction && i.points > 0 {
                return Err(Invalid::new("items", &i.code, msg!("十二分制只扣分")));
            }
        }
        Ok(())
    }

    pub fn item(&self, code: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.code == code)
    }
}

fn cat(code: &str, name: &str, parent: Option<&str>) -> Category {
    Category {
        code: code.into(),
        name: name.into(),
        parent: parent.map(Into::into),
    }
}

#[allow(clippy::too_many_arguments)]
fn item(
    code: &str,
    name: &str,
    category: &str,
    points: i64,
    cap: Option<i64>,
    evidence: bool,
    approval: bool,
    source: Source,
) -> Item {
    Item {
        code: code.into(),
        name: name.into(),
        category: category.into(),
        points,
        cap,
        evidence,
        approval,
        source,
    }
}

/// The common 100-point accrual scheme: base points from organisational life, task points from
/// service, reward points on approval, deductions for unexcused absence.
pub fn accrual_scheme() -> Scheme {
    use Source::*;
    Scheme {
        code: "accrual".into(),
        name: "党员积分（百分制）".into(),
        kind: SchemeKind::Accrual,
        base: 0,
        period: SchemePeriod::Year,
        categories: vec![
            cat("base", "基础积分", None),
            cat("life", "组织生活", Some("base")),
            cat("task", "任务积分", None),
            cat("service", "社区服务", Some("task")),
            cat("reward", "奖励积分", None),
            cat("penalty", "扣分", None),
        ],
        items: vec![
            item(
                "attend",
                "参加组织生活",
                "life",
                2,
                Some(60),
                false,
                false,
                MeetingAttended,
            ),
            item(
                "register",
                "到居住社区报到",
                "service",
                10,
                Some(10),
                false,
                false,
                Registration,
            ),
            item(
                "service_hours",
                "志愿服务时长（每小时）",
                "service",
                1,
                Some(20),
                false,
                false,
                ServiceHours,
            ),
            item(
                "wish",
                "认领并实现微心愿",
                "service",
                3,
                Some(15),
                false,
                false,
                WishFulfilled,
            ),
            item(
                "errand",
                "完成红色代办",
                "service",
                2,
                Some(20),
                false,
                false,
                ErrandDone,
            ),
            // Kept from the first version of the scheme, so approved entries made under it
            // still count; service a community recorded counts through `service_hours`.
            item(
                "volunteer",
                "社区以外的志愿服务（需审核）",
                "service",
                5,
                Some(20),
                true,
                true,
                Manual,
            ),
            item(
                "task",
                "完成党组织交办任务",
                "task",
                5,
                Some(20),
                true,
                true,
                Manual,
            ),
            item(
                "honour",
                "获得表彰",
                "reward",
                10,
                Some(10),
                true,
                true,
                Manual,
            ),
            item(
                "absent",
                "无故缺席组织生活",
                "penalty",
                -5,
                Some(30),
                false,
                false,
                MeetingAbsentUnexcused,
            ),
        ],
    }
}

/// 十二分制 (Yiwu): twelve points a year, deducted per item like a driving licence.
pub fn twelve_point_scheme() -> Scheme {
    use Source::*;
    Scheme {
        code: "twelve".into(),
        name: "党员十二分制管理".into(),
        kind: SchemeKind::Deduction,
        base: 12,
        period: SchemePeriod::Year,
        categories: vec![
            cat("life", "组织生活", None),
            cat("discipline", "纪律规矩", None),
            cat("role", "作用发挥", None),
        ],
        items: vec![
            item(
                "absent",
                "无故缺席组织生活",
                "life",
                -2,
                Some(12),
                false,
                false,
                MeetingAbsentUnexcused,
            ),
            item(
                "dues",
                "未按时交纳党费",
                "discipline",
                -3,
                Some(12),
                true,
                true,
                Manual,
            ),
            item(
                "conduct",
                "违反社会公德、家庭美德",
                "discipline",
                -6,
                None,
                true,
                true,
                Manual,
            ),
            item(
                "duty",
                "不履行党员义务、不参加志愿服务",
                "role",
                -2,
                Some(6),
                true,
                true,
                Manual,
            ),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_schemes_are_valid() {
        accrual_scheme().validate().unwrap();
        twelve_point_scheme().validate().unwrap();
    }

    #[test]
    fn refuses_cycles_negative_caps_and_unknown_categories() {
        let mut s = accrual_scheme();
        s.categories.push(cat("a", "甲", Some("b")));
        s.categories.push(cat("b", "乙", Some("a")));
        assert_eq!(s.validate().unwrap_err().field, "categories");

        let mut s = accrual_scheme();
        s.items[0].cap = Some(-1);
        assert_eq!(s.validate().unwrap_err().field, "cap");

        let mut s = accrual_scheme();
        s.items[0].category = "nowhere".into();
        assert_eq!(s.validate().unwrap_err().field, "items");

        let mut s = twelve_point_scheme();
        s.items[0].points = 2;
        assert!(s.validate().is_err(), "the 十二分制 only deducts");

        let mut s = accrual_scheme();
        let task = s.items.iter().position(|i| i.code == "task").unwrap();
        s.items[task].approval = false;
        assert!(s.validate().is_err(), "manual points need approval");
    }
}
