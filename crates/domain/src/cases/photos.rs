//! Photos along the case loop: which step may carry which kind, and how many.

use super::Action;

labelled_enum! {
    /// When a photo was taken: at intake, before and after the handling unit's work, or at
    /// verification.
    PhotoStage, "photo_stage" {
        Intake = "intake", "上报";
        Before = "before", "处置前";
        After = "after", "处置后";
        Verify = "verify", "核查";
    }
}

/// The most photos one step carries.
pub const MAX_PER_STEP: usize = 6;

impl PhotoStage {
    /// The move a photo of this stage travels with; intake photos travel with the intake.
    pub fn carried_by(self, action: Option<Action>) -> bool {
        matches!(
            (self, action),
            (PhotoStage::Intake, None)
                | (
                    PhotoStage::Before | PhotoStage::After,
                    Some(Action::Feedback)
                )
                | (PhotoStage::Verify, Some(Action::Verify { .. }))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_stage_rides_with_its_own_step_only() {
        assert!(PhotoStage::Intake.carried_by(None));
        assert!(!PhotoStage::Intake.carried_by(Some(Action::Feedback)));
        assert!(PhotoStage::Before.carried_by(Some(Action::Feedback)));
        assert!(PhotoStage::After.carried_by(Some(Action::Feedback)));
        assert!(!PhotoStage::After.carried_by(Some(Action::Verify { fixed: true })));
        assert!(PhotoStage::Verify.carried_by(Some(Action::Verify { fixed: false })));
        assert!(!PhotoStage::Verify.carried_by(Some(Action::Accept)));
        assert!(!PhotoStage::Before.carried_by(None));
        for a in Action::ALL {
            let carried = PhotoStage::ALL.iter().any(|s| s.carried_by(Some(a)));
            assert_eq!(
                carried,
                matches!(a, Action::Feedback | Action::Verify { .. }),
                "{}",
                a.code()
            );
        }
    }

    #[test]
    fn stages_parse_by_code_and_label() {
        assert_eq!(PhotoStage::parse("处置后").unwrap(), PhotoStage::After);
        assert_eq!(PhotoStage::parse("before").unwrap(), PhotoStage::Before);
        assert!(PhotoStage::parse("后").is_err());
    }
}
