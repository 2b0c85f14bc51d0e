//! Escalation rules (督办升级), configurable per deployment: how late a case may run before it
//! is put under yellow supervision, and how late before red.

use super::Supervision;
use crate::Invalid;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Escalation {
    /// Yellow once a case is this many minutes past its deadline (0: as soon as it is late).
    pub yellow_after_minutes: u32,
    /// Red once a case is late by this share of the time it was allowed (1: late by the whole
    /// allowed time again).
    pub red_after_share: f64,
}

impl Default for Escalation {
    fn default() -> Escalation {
        Escalation {
            yellow_after_minutes: 0,
            red_after_share: 1.0,
        }
    }
}

impl Escalation {
    pub fn validate(&self) -> Result<(), Invalid> {
        if self.yellow_after_minutes > 7 * 24 * 60 {
            return Err(Invalid::new(
                "yellow_after_minutes",
                self.yellow_after_minutes,
                msg!("应在 0 到 10080 分钟之间"),
            ));
        }
        if !(self.red_after_share > 0.0 && self.red_after_share <= 10.0) {
            return Err(Invalid::new(
                "red_after_share",
                self.red_after_share,
                msg!("应大于 0 且不超过 10"),
            ));
        }
        Ok(())
    }

    /// The supervision a case dispatched at `dispatched` and due at `due` calls for at `now`.
    /// Red never comes before yellow.
    pub fn level(
        &self,
        dispatched: DateTime<Utc>,
        due: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Option<Supervision> {
        let late = now - due;
        if late <= Duration::zero() {
            return None;
        }
        let allowed = (due - dispatched).num_seconds().max(0) as f64;
        let yellow = Duration::minutes(i64::from(self.yellow_after_minutes));
        let red = Duration::seconds((allowed * self.red_after_share).round() as i64).max(yellow);
        if late > red {
            Some(Supervision::Red)
        } else if late > yellow {
            Some(Supervision::Yellow)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap()
    }

    #[test]
    fn by_default_yellow_once_late_red_once_late_by_the_whole_limit_again() {
        let e = Escalation::default();
        let due = t0() + Duration::hours(24);
        assert_eq!(e.level(t0(), due, due), None);
        assert_eq!(
            e.level(t0(), due, due + Duration::hours(1)),
            Some(Supervision::Yellow)
        );
        assert_eq!(
            e.level(t0(), due, due + Duration::hours(24)),
            Some(Supervision::Yellow)
        );
        assert_eq!(
            e.level(t0(), due, due + Duration::hours(25)),
            Some(Supervision::Red)
        );
    }

    #[test]
    fn a_grace_period_and_an_earlier_red() {
        let e = Escalation {
            yellow_after_minutes: 60,
            red_after_share: 0.5,
        };
        let due = t0() + Duration::hours(24);
        assert_eq!(e.level(t0(), due, due + Duration::minutes(59)), None);
        assert_eq!(
            e.level(t0(), due, due + Duration::minutes(61)),
            Some(Supervision::Yellow)
        );
        assert_eq!(
            e.level(t0(), due, due + Duration::hours(13)),
            Some(Supervision::Red)
        );
        // Red waits for yellow's grace on a short limit.
        let short = Escalation {
            yellow_after_minutes: 120,
            red_after_share: 0.1,
        };
        let due = t0() + Duration::hours(2);
        assert_eq!(short.level(t0(), due, due + Duration::minutes(90)), None);
    }

    #[test]
    fn limits_are_checked() {
        assert!(Escalation::default().validate().is_ok());
        let e = Escalation {
            red_after_share: 0.0,
            ..Escalation::default()
        };
        assert_eq!(e.validate().unwrap_err().field, "red_after_share");
        let e = Escalation {
            yellow_after_minutes: 20_000,
            ..Escalation::default()
        };
        assert_eq!(e.validate().unwrap_err().field, "yellow_after_minutes");
    }
}
