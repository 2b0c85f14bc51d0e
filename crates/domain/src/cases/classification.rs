//! The two-level case classification (大类 › 小类) with each kind's time limit, the limits
//! urgency overrides, and the loop's other settings. A deployment keeps its own as data.

use super::{Escalation, Limit, LimitUnit, Urgency};
use crate::Invalid;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LimitDef {
    pub amount: u32,
    pub unit: String,
}

impl LimitDef {
    fn new(amount: u32, unit: LimitUnit) -> LimitDef {
        LimitDef {
            amount,
            unit: unit.code().into(),
        }
    }

    pub fn limit(&self) -> Result<Limit, Invalid> {
        Limit::new(self.amount, LimitUnit::parse(&self.unit)?)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryDef {
    pub code: String,
    pub name: String,
    /// A top-level code for a 小类; none for a 大类.
    pub parent: Option<String>,
    /// Handling limit at normal urgency; a 小类 without one uses its 大类's.
    pub limit: Option<LimitDef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Classification {
    pub categories: Vec<CategoryDef>,
    pub emergency: LimitDef,
    pub urgent: LimitDef,
    pub max_extensions: u32,
    /// Minutes a summoned department has to report (报到) after a whistle.
    pub report_minutes: u32,
    /// Minutes the handling unit has to accept (响应) a dispatched case.
    pub response_minutes: u32,
    /// Warn when less than this share of the allowed time is left.
    pub warn_share: f64,
    /// Minutes of patrol a grid worker owes each day.
    #[serde(default = "two_hours")]
    pub patrol_minutes: u32,
    /// When late cases are put under yellow and red supervision.
    #[serde(default)]
    pub escalation: Escalation,
}

fn two_hours() -> u32 {
    120
}

impl Classification {
    /// Checks the tree (two levels, known parents, unique codes), every limit, and that each
    /// 小类 has a limit of its own or from its 大类.
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut seen = HashSet::new();
        for c in &self.categories {
            if c.code.trim().is_empty() || c.name.trim().is_empty() {
                return Err(Invalid::new(
                    "category",
                    &c.code,
                    msg!("类别代码和名称不能为空"),
                ));
            }
            if !seen.insert(c.code.as_str()) {
                return Err(Invalid::new("category", &c.code, msg!("类别代码重复")));
            }
            if let Some(l) = &c.limit {
                l.limit()?;
            }
        }
        for c in &self.categories {
            if let Some(p) = &c.parent {
                let parent = self.categories.iter().find(|x| &x.code == p);
                match parent {
                    None => {
                        return Err(Invalid::new(
                            "category",
                            &c.code,
                            msg!("上级类别 {parent} 不存在", parent = p),
                        ));
                    }
                    Some(x) if x.parent.is_some() => {
                        return Err(Invalid::new(
                            "category",
                            &c.code,
                            msg!("分类只有大类和小类两级"),
                        ));
                    }
                    Some(x) if c.limit.is_none() && x.limit.is_none() => {
                        return Err(Invalid::new(
                            "category",
                            &c.code,
                            msg!("小类及其大类都没有办理时限"),
                        ));
                    }
                    Some(_) => {}
                }
            }
        }
        self.emergency.limit()?;
        self.urgent.limit()?;
        if self.report_minutes == 0 || self.response_minutes == 0 {
            return Err(Invalid::new(
                "report_minutes",
                self.report_minutes.min(self.response_minutes),
                msg!("时限应在 1 到 365 之间"),
            ));
        }
        if !(0.0..1.0).contains(&self.warn_share) {
            return Err(Invalid::new(
                "warn_share",
                self.warn_share,
                msg!("预警比例应在 0 到 1 之间"),
            ));
        }
        self.escalation.validate()
    }

    /// A 小类 by code (cases are registered under a 小类), with its 大类.
    pub fn leaf(&self, code: &str) -> Result<(&CategoryDef, &CategoryDef), Invalid> {
        let c = self
            .categories
            .iter()
            .find(|c| c.code == code.trim())
            .ok_or_else(|| Invalid::new("category", code, msg!("没有这个案件类别")))?;
        let parent = c
            .parent
            .as_ref()
            .and_then(|p| self.categories.iter().find(|x| &x.code == p))
            .ok_or_else(|| Invalid::new("category", code, msg!("请选择小类")))?;
        Ok((c, parent))
    }

    /// The handling limit of a 小类 at an urgency.
    pub fn limit_for(&self, code: &str, urgency: Urgency) -> Result<Limit, Invalid> {
        let (c, parent) = self.leaf(code)?;
        match urgency {
            Urgency::Emergency => self.emergency.limit(),
            Urgency::Urgent => self.urgent.limit(),
            Urgency::Normal => c
                .limit
                .as_ref()
                .or(parent.limit.as_ref())
                .expect("validated")
                .limit(),
        }
    }

    /// The classification jiceng ships: common kinds from 12345 and grid work.
    pub fn standard() -> Classification {
        let days = |n| Some(LimitDef::new(n, LimitUnit::WorkingDays));
        let hours = |n| Some(LimitDef::new(n, LimitUnit::Hours));
        let top = |code: &str, name: &str, limit| CategoryDef {
            code: code.into(),
            name: name.into(),
            parent: None,
            limit,
        };
        let leaf = |code: &str, name: &str, parent: &str, limit| CategoryDef {
            code: code.into(),
            name: name.into(),
            parent: Some(parent.into()),
            limit,
        };
        Classification {
            categories: vec![
                top("environment", "市容环境", days(7)),
                leaf("garbage", "垃圾清运", "environment", None),
                leaf("illegal_building", "违章搭建", "environment", days(15)),
                leaf("occupation", "占道经营", "environment", None),
                top("facilities", "公共设施", days(7)),
                leaf("road", "道路破损", "facilities", None),
                leaf("streetlight", "路灯故障", "facilities", None),
                leaf("manhole", "井盖缺失", "facilities", hours(24)),
                top("utilities", "水电气暖", hours(24)),
                leaf("water", "停水漏水", "utilities", None),
                leaf("power", "停电", "utilities", None),
                leaf("gas", "燃气", "utilities", None),
                top("property", "物业管理", days(7)),
                leaf("property_service", "物业服务", "property", None),
                leaf("elevator", "电梯故障", "property", hours(24)),
                top("safety", "平安建设", days(7)),
                leaf("dispute", "邻里纠纷", "safety", None),
                leaf("hazard", "安全隐患", "safety", None),
                top("livelihood", "民生服务", days(7)),
                leaf("elderly", "养老助残", "livelihood", None),
                leaf("social_security", "社保医保", "livelihood", days(15)),
                leaf("other", "其他", "livelihood", days(15)),
            ],
            emergency: LimitDef::new(2, LimitUnit::Hours),
            urgent: LimitDef::new(24, LimitUnit::Hours),
            max_extensions: 1,
            report_minutes: 30,
            response_minutes: 120,
            warn_share: 0.2,
            patrol_minutes: two_hours(),
            escalation: Escalation::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_classification_is_valid_and_limits_follow_urgency() {
        let c = Classification::standard();
        c.validate().unwrap();
        assert_eq!(
            c.limit_for("garbage", Urgency::Normal).unwrap(),
            Limit::new(7, LimitUnit::WorkingDays).unwrap(),
            "inherited from 市容环境"
        );
        assert_eq!(
            c.limit_for("illegal_building", Urgency::Normal)
                .unwrap()
                .amount,
            15
        );
        assert_eq!(
            c.limit_for("illegal_building", Urgency::Emergency).unwrap(),
            Limit::new(2, LimitUnit::Hours).unwrap()
        );
        assert_eq!(
            c.limit_for("nope", Urgency::Normal).unwrap_err().field,
            "category"
        );
        assert!(
            c.limit_for("environment", Urgency::Normal).is_err(),
            "a 大类 is not a kind"
        );
    }

    #[test]
    fn bad_trees_and_limits_are_refused() {
        let mut deep = Classification::standard();
        deep.categories.push(CategoryDef {
            code: "deeper".into(),
            name: "三级".into(),
            parent: Some("garbage".into()),
            limit: None,
        });
        assert!(deep.validate().is_err());
        let mut dup = Classification::standard();
        dup.categories.push(dup.categories[1].clone());
        assert!(dup.validate().is_err());
        let mut zero = Classification::standard();
        zero.emergency.amount = 0;
        assert_eq!(zero.validate().unwrap_err().field, "amount");
        let mut orphan = Classification::standard();
        orphan.categories[1].parent = Some("missing".into());
        assert!(orphan.validate().is_err());
    }
}
