//! 问题清单 (problems): matters a community cannot settle alone and that need units and
//! departments to coordinate — each with who answers for it and by when. A problem becomes a
//! case in the case loop (keeping the link) or is settled or closed by the community.

use crate::Invalid;

labelled_enum! {
    ProblemStatus, "status" {
        Open = "open", "待协调";
        InCase = "in_case", "已转案件";
        Resolved = "resolved", "已解决";
        Closed = "closed", "已关闭";
    }
}

labelled_enum! {
    ProblemMove, "move" {
        ToCase = "to_case", "转为案件";
        Resolve = "resolve", "标记解决";
        Close = "close", "关闭";
    }
}

/// The status a move leads to from `from`, or why it cannot be made.
pub fn next(from: ProblemStatus, m: ProblemMove) -> Result<ProblemStatus, Invalid> {
    use ProblemMove::*;
    use ProblemStatus::*;
    match (from, m) {
        (Open, ToCase) => Ok(InCase),
        (Open | InCase, Resolve) => Ok(Resolved),
        (Open, Close) => Ok(Closed),
        _ => Err(Invalid::new(
            "move",
            m.code(),
            msg!(
                "问题“{status}”时不能{action}",
                status = from.label(),
                action = m.label()
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_becomes_a_case_or_is_settled() {
        use ProblemMove::*;
        use ProblemStatus::*;
        assert_eq!(next(Open, ToCase).unwrap(), InCase);
        assert_eq!(next(InCase, Resolve).unwrap(), Resolved);
        assert_eq!(next(Open, Resolve).unwrap(), Resolved);
        assert_eq!(next(Open, Close).unwrap(), Closed);
        for (from, m) in [
            (InCase, ToCase),
            (Resolved, Close),
            (Closed, ToCase),
            (InCase, Close),
        ] {
            assert_eq!(next(from, m).unwrap_err().field, "move", "{from:?} {m:?}");
        }
    }
}
