//! Quarterly assessment of party organisations (双积分, organisation side): a score from their
//! records with configurable weights, star ratings, and the bottom 5% flagged as weak (软弱涣散)
//! for rectification.

use crate::Invalid;
use serde::{Deserialize, Serialize};

labelled_enum! {
    /// A rectification (整改) is open until the org that opened it closes it (销号).
    RectificationStatus, "status" {
        Open = "open", "整改中";
        Closed = "closed", "已销号";
    }
}

/// Weights of the parts of an org's score; they need not sum to anything, the score is their
/// weighted mean scaled to 100.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Weights {
    /// Share of the period's meeting duties met.
    pub compliance: f64,
    /// Share of owed attendances given.
    pub attendance: f64,
    /// Share of employed members registered (双报到) with their residence community.
    pub registration: f64,
    /// Mean grade received in the two-way evaluation (双向评价); settings saved before it
    /// existed read as the default.
    #[serde(default = "default_evaluation")]
    pub evaluation: f64,
    /// Share of the grid's cases closed by their deadline (一网格一支部: the grid's branch).
    #[serde(default = "default_evaluation")]
    pub cases: f64,
    /// Share of co-building commitments (共驻共建履职事项) due in the period fulfilled on time:
    /// for the community or street the agreement is with, and for the unit's own party org.
    #[serde(default = "default_evaluation")]
    pub commitments: f64,
}

fn default_evaluation() -> f64 {
    0.2
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            compliance: 0.6,
            attendance: 0.2,
            registration: 0.2,
            evaluation: default_evaluation(),
            cases: default_evaluation(),
            commitments: default_evaluation(),
        }
    }
}

impl Weights {
    pub fn validate(&self) -> Result<(), Invalid> {
        for (name, w) in [
            ("compliance", self.compliance),
            ("attendance", self.attendance),
            ("registration", self.registration),
            ("evaluation", self.evaluation),
            ("cases", self.cases),
            ("commitments", self.commitments),
        ] {
            if !(0.0..=100.0).contains(&w) || w.is_nan() {
                return Err(Invalid::new(
                    "weights",
                    format!("{name}={w}"),
                    msg!("权重应在 0 到 100 之间"),
                ));
            }
        }
        if self.compliance
            + self.attendance
            + self.registration
            + self.evaluation
            + self.cases
            + self.commitments
            <= 0.0
        {
            return Err(Invalid::new("weights", "0", msg!("权重之和须大于 0")));
        }
        Ok(())
    }
}

/// Shares (0–1) an org achieved; `None` where it owed nothing of that kind, which then does not
/// count either way.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Parts {
    pub compliance: Option<f64>,
    pub attendance: Option<f64>,
    pub registration: Option<f64>,
    pub evaluation: Option<f64>,
    pub cases: Option<f64>,
    pub commitments: Option<f64>,
}

/// The score, 0–100, over the parts that apply.
pub fn score(w: &Weights, p: &Parts) -> Option<f64> {
    let parts = [
        (w.compliance, p.compliance),
        (w.attendance, p.attendance),
        (w.registration, p.registration),
        (w.evaluation, p.evaluation),
        (w.cases, p.cases),
        (w.commitments, p.commitments),
    ];
    let weight: f64 = parts
        .iter()
        .filter(|(_, v)| v.is_some())
        .map(|(w, _)| w)
        .sum();
    if weight <= 0.0 {
        return None;
    }
    let sum: f64 = parts
        .iter()
        .filter_map(|(w, v)| v.map(|v| w * v.clamp(0.0, 1.0)))
        .sum();
    Some(sum / weight * 100.0)
}

/// One to five stars: 90, 80, 70 and 60 are the thresholds.
pub fn stars(score: f64) -> u8 {
    match score {
        s if s >= 90.0 => 5,
        s if s >= 80.0 => 4,
        s if s >= 70.0 => 3,
        s if s >= 60.0 => 2,
        _ => 1,
    }
}

/// How many of `n` ranked orgs form the bottom 5%: at least one once there are any.
pub fn bottom_count(n: usize) -> usize {
    if n == 0 { 0 } else { n.div_ceil(20) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_weigh_only_what_applies() {
        let w = Weights::default();
        let full = Parts {
            compliance: Some(1.0),
            attendance: Some(1.0),
            registration: Some(1.0),
            evaluation: Some(1.0),
            cases: Some(1.0),
            commitments: Some(1.0),
        };
        assert_eq!(score(&w, &full), Some(100.0));
        let no_employed = Parts {
            registration: None,
            ..full
        };
        assert_eq!(
            score(&w, &no_employed),
            Some(100.0),
            "a part that does not apply is left out"
        );
        let half = Parts {
            compliance: Some(0.5),
            attendance: Some(1.0),
            registration: Some(0.0),
            evaluation: None,
            cases: None,
            commitments: None,
        };
        assert!((score(&w, &half).unwrap() - 50.0).abs() < 1e-9);
        let rated_poorly = Parts {
            evaluation: Some(0.3),
            ..half
        };
        assert!(score(&w, &rated_poorly).unwrap() < 50.0);
        let promises_kept = Parts {
            commitments: Some(1.0),
            ..half
        };
        assert!(score(&w, &promises_kept).unwrap() > 50.0);
        assert_eq!(score(&w, &Parts::default()), None);
    }

    #[test]
    fn stars_and_the_bottom_five_percent() {
        assert_eq!(
            (stars(95.0), stars(85.0), stars(60.0), stars(10.0)),
            (5, 4, 2, 1)
        );
        assert_eq!(bottom_count(0), 0);
        assert_eq!(bottom_count(1), 1);
        assert_eq!(bottom_count(20), 1);
        assert_eq!(bottom_count(21), 2);
        assert_eq!(bottom_count(25_830), 1_292);
    }

    #[test]
    fn weights_are_checked() {
        assert!(Weights::default().validate().is_ok());
        let saved_before_evaluation: Weights =
            serde_json::from_str(r#"{"compliance":1,"attendance":0,"registration":0}"#).unwrap();
        assert_eq!(
            (
                saved_before_evaluation.evaluation,
                saved_before_evaluation.commitments
            ),
            (0.2, 0.2)
        );
        let bad = Weights {
            compliance: -1.0,
            ..Weights::default()
        };
        assert_eq!(bad.validate().unwrap_err().field, "weights");
        let zero = Weights {
            compliance: 0.0,
            attendance: 0.0,
            registration: 0.0,
            evaluation: 0.0,
            cases: 0.0,
            commitments: 0.0,
        };
        assert!(zero.validate().is_err());
    }
}
