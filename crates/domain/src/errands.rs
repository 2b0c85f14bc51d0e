//! 红色代办 (red errands): a resident (or a worker for them) asks for an errand — paying a
//! bill, fetching medicine, filing papers — by a deadline; a party member in reach takes it,
//! does it, and the resident (or the community) confirms it done. A member who took it has a
//! while to do it: an errand not done within that hold returns to the pool for another, and
//! one still not done by its deadline lapses. Confirmed errands count towards the member's
//! points.

use crate::Invalid;
use chrono::{DateTime, Duration, Utc};

labelled_enum! {
    ErrandStatus, "status" {
        Pending = "pending", "待审核";
        Open = "open", "待接单";
        Taken = "taken", "办理中";
        Done = "done", "待确认";
        Confirmed = "confirmed", "已完成";
        Lapsed = "lapsed", "已过期";
        Withdrawn = "withdrawn", "已撤回";
        Refused = "refused", "未通过审核";
    }
}

labelled_enum! {
    ErrandKind, "kind" {
        Bills = "bills", "代缴费用";
        Medicine = "medicine", "代购取药";
        Papers = "papers", "代办证件";
        Shopping = "shopping", "代购物品";
        Other = "other", "其他代办";
    }
}

labelled_enum! {
    ErrandMove, "move" {
        Approve = "approve", "审核通过";
        Refuse = "refuse", "退回";
        Take = "take", "接单";
        Release = "release", "放弃";
        Finish = "finish", "办结";
        Confirm = "confirm", "确认完成";
        Withdraw = "withdraw", "撤回";
    }
}

/// How long a member who takes an errand has to do it before it returns to the pool.
pub const HOLD: Duration = Duration::hours(24);

/// The status a move leads to from `from`, or why it cannot be made.
pub fn next(from: ErrandStatus, m: ErrandMove) -> Result<ErrandStatus, Invalid> {
    use ErrandMove::*;
    use ErrandStatus::*;
    match (from, m) {
        (Pending, Approve) => Ok(Open),
        (Pending, Refuse) => Ok(Refused),
        (Open, Take) => Ok(Taken),
        (Taken, Release) => Ok(Open),
        (Taken, Finish) => Ok(Done),
        (Done, Confirm) => Ok(Confirmed),
        (Pending | Open, Withdraw) => Ok(Withdrawn),
        _ => Err(Invalid::new(
            "move",
            m.code(),
            msg!(
                "代办“{status}”时不能{action}",
                status = from.label(),
                action = m.label()
            ),
        )),
    }
}

/// Until when a member who takes an errand at `at` holds it: the hold, but never past the
/// deadline.
pub fn hold_until(at: DateTime<Utc>, due: DateTime<Utc>) -> DateTime<Utc> {
    (at + HOLD).min(due)
}

/// What time does to an errand: one taken and not done when its hold ends returns to the
/// pool; one open or taken past its deadline lapses. None when nothing changes.
pub fn overtaken(
    status: ErrandStatus,
    hold_until: Option<DateTime<Utc>>,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<ErrandStatus> {
    match status {
        ErrandStatus::Open | ErrandStatus::Taken | ErrandStatus::Pending if now >= due => {
            Some(ErrandStatus::Lapsed)
        }
        ErrandStatus::Taken if hold_until.is_some_and(|h| now >= h) => Some(ErrandStatus::Open),
        _ => None,
    }
}

/// A deadline: in the future, and within 30 days.
pub fn deadline(due: DateTime<Utc>, now: DateTime<Utc>) -> Result<DateTime<Utc>, Invalid> {
    if due <= now {
        return Err(Invalid::new(
            "due_at",
            crate::clock::stamp(due),
            msg!("应晚于现在"),
        ));
    }
    if due > now + Duration::days(30) {
        return Err(Invalid::new(
            "due_at",
            crate::clock::stamp(due),
            msg!("代办期限不能超过 30 天"),
        ));
    }
    Ok(due)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn an_errand_is_taken_done_and_confirmed() {
        use ErrandMove::*;
        use ErrandStatus::*;
        assert_eq!(next(Pending, Approve).unwrap(), Open);
        assert_eq!(next(Open, Take).unwrap(), Taken);
        assert_eq!(next(Taken, Release).unwrap(), Open);
        assert_eq!(next(Taken, Finish).unwrap(), Done);
        assert_eq!(next(Done, Confirm).unwrap(), Confirmed);
        assert_eq!(next(Open, Withdraw).unwrap(), Withdrawn);
        for (from, m) in [
            (Taken, Take),
            (Open, Finish),
            (Open, Confirm),
            (Confirmed, Confirm),
            (Lapsed, Take),
            (Taken, Withdraw),
            (Done, Take),
        ] {
            assert_eq!(next(from, m).unwrap_err().field, "move", "{from:?} {m:?}");
        }
    }

    #[test]
    fn time_returns_a_held_errand_and_lapses_a_late_one() {
        let due = t("2026-12-10T10:00:00Z");
        let taken = t("2026-12-05T10:00:00Z");
        let hold = hold_until(taken, due);
        assert_eq!(hold, t("2026-12-06T10:00:00Z"));
        assert_eq!(
            hold_until(t("2026-12-10T00:00:00Z"), due),
            due,
            "never past the deadline"
        );
        use ErrandStatus::*;
        assert_eq!(
            overtaken(Taken, Some(hold), due, t("2026-12-06T09:59:00Z")),
            None
        );
        assert_eq!(
            overtaken(Taken, Some(hold), due, t("2026-12-06T10:00:00Z")),
            Some(Open)
        );
        assert_eq!(
            overtaken(Open, None, due, t("2026-12-10T10:00:00Z")),
            Some(Lapsed)
        );
        assert_eq!(
            overtaken(Taken, Some(hold), due, t("2026-12-11T00:00:00Z")),
            Some(Lapsed)
        );
        assert_eq!(
            overtaken(Done, None, due, t("2026-12-11T00:00:00Z")),
            None,
            "done in time"
        );
    }

    #[test]
    fn deadlines() {
        let now = t("2026-12-05T10:00:00Z");
        assert_eq!(deadline(now, now).unwrap_err().field, "due_at");
        assert_eq!(
            deadline(now + Duration::days(31), now).unwrap_err().field,
            "due_at"
        );
        assert!(deadline(now + Duration::hours(3), now).is_ok());
    }
}
