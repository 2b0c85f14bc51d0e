//! The state machine of a case: which move is legal from which state. A refused move names
//! the action and the state it was tried in, and changes nothing.

use super::{CaseStatus, Satisfaction, Supervision};
use crate::Invalid;

/// What a case's steps have made of it so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct State {
    pub status: CaseStatus,
    /// Where a suspended case resumes.
    pub suspended_from: Option<CaseStatus>,
    pub extension_pending: bool,
    pub extensions: u32,
    pub supervision: Option<Supervision>,
    pub satisfaction: Option<Satisfaction>,
}

impl State {
    pub fn received() -> State {
        State {
            status: CaseStatus::Received,
            suspended_from: None,
            extension_pending: false,
            extensions: 0,
            supervision: None,
            satisfaction: None,
        }
    }
}

/// One move in the loop. The operations layer supplies who, when and the note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// 立案: classified and located.
    Register,
    /// 派遣 to a handling unit, or 吹哨 to several departments at once.
    Dispatch,
    /// The handling unit takes the case up (响应).
    Accept,
    /// A summoned department reports (报到); the case's state does not change.
    Report,
    /// 回退: the unit hands the case back to the dispatcher.
    Return,
    RequestExtension,
    DecideExtension {
        approve: bool,
    },
    /// 督办: raises, never lowers, the level.
    Supervise(Supervision),
    /// 处置反馈: the unit reports the work done.
    Feedback,
    /// 核查: fixed closes the case (结案); not fixed sends it back for rework (返工).
    Verify {
        fixed: bool,
    },
    /// 回访: once, after closing.
    FollowUp(Satisfaction),
    /// 挂账: parked, resumable.
    Suspend,
    Resume,
    Invalid,
    Duplicate,
}

impl Action {
    pub fn code(self) -> &'static str {
        match self {
            Action::Register => "register",
            Action::Dispatch => "dispatch",
            Action::Accept => "accept",
            Action::Report => "report",
            Action::Return => "return",
            Action::RequestExtension => "request_extension",
            Action::DecideExtension { approve: true } => "approve_extension",
            Action::DecideExtension { approve: false } => "reject_extension",
            Action::Supervise(_) => "supervise",
            Action::Feedback => "feedback",
            Action::Verify { fixed: true } => "verify",
            Action::Verify { fixed: false } => "rework",
            Action::FollowUp(_) => "follow_up",
            Action::Suspend => "suspend",
            Action::Resume => "resume",
            Action::Invalid => "invalid",
            Action::Duplicate => "duplicate",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Action::Register => "立案",
            Action::Dispatch => "派遣",
            Action::Accept => "响应",
            Action::Report => "报到",
            Action::Return => "回退",
            Action::RequestExtension => "申请延期",
            Action::DecideExtension { approve: true } => "批准延期",
            Action::DecideExtension { approve: false } => "驳回延期",
            Action::Supervise(_) => "督办",
            Action::Feedback => "处置反馈",
            Action::Verify { fixed: true } => "核查通过",
            Action::Verify { fixed: false } => "返工",
            Action::FollowUp(_) => "回访",
            Action::Suspend => "挂账",
            Action::Resume => "恢复办理",
            Action::Invalid => "作废",
            Action::Duplicate => "重复件",
        }
    }

    /// One of each move (the level and satisfaction stand for any).
    pub const ALL: [Action; 17] = [
        Action::Register,
        Action::Dispatch,
        Action::Report,
        Action::Accept,
        Action::Return,
        Action::RequestExtension,
        Action::DecideExtension { approve: true },
        Action::DecideExtension { approve: false },
        Action::Supervise(Supervision::Red),
        Action::Feedback,
        Action::Verify { fixed: true },
        Action::Verify { fixed: false },
        Action::FollowUp(Satisfaction::Satisfied),
        Action::Suspend,
        Action::Resume,
        Action::Invalid,
        Action::Duplicate,
    ];

    pub const LABELS: &'static [&'static str] = &[
        "立案",
        "派遣",
        "响应",
        "报到",
        "回退",
        "申请延期",
        "批准延期",
        "驳回延期",
        "督办",
        "处置反馈",
        "核查通过",
        "返工",
        "回访",
        "挂账",
        "恢复办理",
        "作废",
        "重复件",
    ];
}

fn refuse(action: Action, s: &State) -> Invalid {
    Invalid::new(
        "action",
        action.code(),
        msg!(
            "案件{status}时不能{action}",
            status = crate::Label(s.status.label()),
            action = crate::Label(action.label())
        ),
    )
}

/// The state after `action`, or why it is refused. `max_extensions` bounds 延期 per case.
pub fn next(s: &State, action: Action, max_extensions: u32) -> Result<State, Invalid> {
    use CaseStatus as S;
    let mut n = *s;
    let ok = match (s.status, action) {
        (S::Received, Action::Register) => {
            n.status = S::Registered;
            true
        }
        (S::Registered, Action::Dispatch) => {
            n.status = S::Dispatched;
            true
        }
        (S::Dispatched, Action::Accept) => {
            n.status = S::Handling;
            true
        }
        (S::Dispatched | S::Handling, Action::Report) => true,
        (S::Dispatched | S::Handling, Action::Return) => {
            n.status = S::Registered;
            n.extension_pending = false;
            true
        }
        (S::Handling, Action::RequestExtension) => {
            if s.extension_pending {
                return Err(Invalid::new(
                    "action",
                    action.code(),
                    msg!("已有待审批的延期申请"),
                ));
            }
            if s.extensions >= max_extensions {
                return Err(Invalid::new(
                    "action",
                    action.code(),
                    msg!("延期次数已达上限 {max} 次", max = max_extensions),
                ));
            }
            n.extension_pending = true;
            true
        }
        (S::Handling, Action::DecideExtension { approve }) if s.extension_pending => {
            n.extension_pending = false;
            if approve {
                n.extensions += 1;
            }
            true
        }
        (st, Action::Supervise(level)) if st.is_open() => {
            if s.supervision == Some(Supervision::Red) && level == Supervision::Yellow {
                return Err(Invalid::new(
                    "level",
                    level.code(),
                    msg!("已是红牌督办，不能降为黄牌"),
                ));
            }
            // The same level again changes nothing: refused, so two escalations racing each
            // other write one step between them.
            if s.supervision == Some(level) {
                return Err(Invalid::new(
                    "level",
                    level.code(),
                    msg!("已在{level}中", level = crate::Label(level.label())),
                ));
            }
            n.supervision = Some(level);
            true
        }
        (S::Handling, Action::Feedback) => {
            n.status = S::Verifying;
            n.extension_pending = false;
            true
        }
        (S::Verifying, Action::Verify { fixed }) => {
            n.status = if fixed { S::Closed } else { S::Handling };
            true
        }
        (S::Closed, Action::FollowUp(x)) if s.satisfaction.is_none() => {
            n.satisfaction = Some(x);
            true
        }
        (S::Registered | S::Dispatched | S::Handling, Action::Suspend) => {
            n.suspended_from = Some(s.status);
            n.status = S::Suspended;
            true
        }
        (S::Suspended, Action::Resume) => {
            n.status = s.suspended_from.unwrap_or(S::Registered);
            n.suspended_from = None;
            true
        }
        (S::Received | S::Registered, Action::Invalid) => {
            n.status = S::Invalid;
            true
        }
        (S::Received | S::Registered, Action::Duplicate) => {
            n.status = S::Duplicate;
            true
        }
        _ => false,
    };
    if ok { Ok(n) } else { Err(refuse(action, s)) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseStatus as S;

    fn run(actions: &[Action]) -> Result<State, Invalid> {
        actions
            .iter()
            .try_fold(State::received(), |s, a| next(&s, *a, 1))
    }

    #[test]
    fn steps_are_labelled_by_code() {
        // Every move is recorded as the step of the same code and label; intake comes first.
        for a in Action::ALL {
            let step = super::super::StepAction::parse(a.code()).unwrap();
            assert_eq!((step.code(), step.label()), (a.code(), a.label()));
        }
        assert_eq!(super::super::StepAction::ALL.len(), Action::ALL.len() + 1);
        assert_eq!(super::super::StepAction::Intake.label(), "受理");
        assert!(
            Action::ALL
                .iter()
                .all(|a| Action::LABELS.contains(&a.label()))
        );
    }

    #[test]
    fn the_main_loop_from_intake_to_follow_up() {
        let s = run(&[
            Action::Register,
            Action::Dispatch,
            Action::Report,
            Action::Accept,
            Action::Feedback,
            Action::Verify { fixed: true },
            Action::FollowUp(Satisfaction::Satisfied),
        ])
        .unwrap();
        assert_eq!(s.status, S::Closed);
        assert_eq!(s.satisfaction, Some(Satisfaction::Satisfied));
        let e = next(&s, Action::FollowUp(Satisfaction::Basic), 1).unwrap_err();
        assert_eq!(e.field, "action", "one follow-up only");
    }

    #[test]
    fn moves_out_of_order_are_refused_and_change_nothing() {
        let s = State::received();
        for a in [
            Action::Dispatch,
            Action::Accept,
            Action::Feedback,
            Action::Verify { fixed: true },
            Action::FollowUp(Satisfaction::Satisfied),
            Action::Resume,
            Action::Return,
            Action::RequestExtension,
            Action::Report,
        ] {
            let e = next(&s, a, 1).unwrap_err();
            assert_eq!((e.field, e.value.as_str()), ("action", a.code()));
        }
        let closed = run(&[
            Action::Register,
            Action::Dispatch,
            Action::Accept,
            Action::Feedback,
            Action::Verify { fixed: true },
        ])
        .unwrap();
        for a in [
            Action::Dispatch,
            Action::Suspend,
            Action::Invalid,
            Action::Supervise(Supervision::Yellow),
            Action::Return,
        ] {
            assert!(next(&closed, a, 1).is_err(), "{a:?} on a closed case");
        }
    }

    #[test]
    fn return_sends_the_case_back_to_the_dispatcher() {
        let s = run(&[Action::Register, Action::Dispatch, Action::Return]).unwrap();
        assert_eq!(s.status, S::Registered);
        let s = run(&[
            Action::Register,
            Action::Dispatch,
            Action::Accept,
            Action::Return,
            Action::Dispatch,
        ])
        .unwrap();
        assert_eq!(s.status, S::Dispatched);
    }

    #[test]
    fn a_failed_verification_is_rework() {
        let s = run(&[
            Action::Register,
            Action::Dispatch,
            Action::Accept,
            Action::Feedback,
            Action::Verify { fixed: false },
        ])
        .unwrap();
        assert_eq!(s.status, S::Handling);
        let s = run(&[
            Action::Register,
            Action::Dispatch,
            Action::Accept,
            Action::Feedback,
            Action::Verify { fixed: false },
            Action::Feedback,
            Action::Verify { fixed: true },
        ])
        .unwrap();
        assert_eq!(s.status, S::Closed);
    }

    #[test]
    fn extensions_are_requested_decided_and_limited() {
        let handling = run(&[Action::Register, Action::Dispatch, Action::Accept]).unwrap();
        assert!(
            next(&handling, Action::DecideExtension { approve: true }, 1).is_err(),
            "nothing to decide"
        );
        let asked = next(&handling, Action::RequestExtension, 1).unwrap();
        assert!(asked.extension_pending);
        assert!(
            next(&asked, Action::RequestExtension, 1).is_err(),
            "one at a time"
        );
        let refused = next(&asked, Action::DecideExtension { approve: false }, 1).unwrap();
        assert_eq!(refused.extensions, 0);
        let granted = next(
            &next(&refused, Action::RequestExtension, 1).unwrap(),
            Action::DecideExtension { approve: true },
            1,
        )
        .unwrap();
        assert_eq!(granted.extensions, 1);
        let e = next(&granted, Action::RequestExtension, 1).unwrap_err();
        assert!(e.message.render(crate::Lang::Zh).contains("上限"), "{e}");
    }

    #[test]
    fn supervision_rises_and_suspension_resumes_where_it_left() {
        let s = run(&[
            Action::Register,
            Action::Dispatch,
            Action::Supervise(Supervision::Yellow),
            Action::Supervise(Supervision::Red),
        ])
        .unwrap();
        assert_eq!(s.supervision, Some(Supervision::Red));
        assert!(next(&s, Action::Supervise(Supervision::Yellow), 1).is_err());
        let again = next(&s, Action::Supervise(Supervision::Red), 1).unwrap_err();
        assert_eq!(again.field, "level", "the same level again changes nothing");
        let parked = next(&s, Action::Suspend, 1).unwrap();
        assert_eq!(parked.status, S::Suspended);
        assert!(next(&parked, Action::Accept, 1).is_err());
        assert_eq!(
            next(&parked, Action::Resume, 1).unwrap().status,
            S::Dispatched
        );
    }

    #[test]
    fn only_unhandled_cases_are_invalid_or_duplicate() {
        assert_eq!(run(&[Action::Invalid]).unwrap().status, S::Invalid);
        assert_eq!(
            run(&[Action::Register, Action::Duplicate]).unwrap().status,
            S::Duplicate
        );
        assert!(run(&[Action::Register, Action::Dispatch, Action::Invalid]).is_err());
        assert!(run(&[Action::Invalid, Action::Register]).is_err());
    }
}
