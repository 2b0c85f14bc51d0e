//! 微心愿 (micro-wishes): a resident's small wish, posted by their community or by the resident
//! (theirs waits for the community's review before members see it), claimed by a party
//! member, and confirmed fulfilled by the community. A fulfilled wish counts towards the
//! claiming member's points; the resident who posted it rates it.

use crate::Invalid;
use chrono::NaiveDate;

labelled_enum! {
    WishStatus, "wish_status" {
        Pending = "pending", "待审核";
        Open = "open", "待认领";
        Claimed = "claimed", "已认领";
        Fulfilled = "fulfilled", "已实现";
        Withdrawn = "withdrawn", "已撤回";
        Refused = "refused", "未通过";
    }
}

labelled_enum! {
    /// What can be done to a wish.
    WishMove, "move" {
        Approve = "approve", "审核通过";
        Refuse = "refuse", "不予通过";
        Claim = "claim", "认领";
        Release = "release", "放弃认领";
        Fulfil = "fulfil", "确认实现";
        Withdraw = "withdraw", "撤回";
    }
}

/// The status a move leads to from `from`, or why it cannot be made.
pub fn next(from: WishStatus, m: WishMove) -> Result<WishStatus, Invalid> {
    use WishMove::*;
    use WishStatus::*;
    match (from, m) {
        (Pending, Approve) => Ok(Open),
        (Pending, Refuse) => Ok(Refused),
        (Open, Claim) => Ok(Claimed),
        (Claimed, Release) => Ok(Open),
        (Claimed, Fulfil) => Ok(Fulfilled),
        (Pending | Open, Withdraw) => Ok(Withdrawn),
        _ => Err(Invalid::new(
            "move",
            m.code(),
            msg!(
                "心愿“{status}”时不能{action}",
                status = from.label(),
                action = m.label()
            ),
        )),
    }
}

/// The day a wish was fulfilled: not before it was claimed, not in the future.
pub fn fulfilled_on(
    on: NaiveDate,
    claimed_on: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate, Invalid> {
    if on > today {
        return Err(Invalid::new("fulfilled_on", on, msg!("不能晚于今天")));
    }
    if on < claimed_on {
        return Err(Invalid::new(
            "fulfilled_on",
            on,
            msg!("不能早于认领日期 {day}", day = claimed_on),
        ));
    }
    Ok(on)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wish_is_claimed_then_fulfilled_and_nothing_skips_ahead() {
        use WishMove::*;
        use WishStatus::*;
        assert_eq!(next(Open, Claim).unwrap(), Claimed);
        assert_eq!(next(Claimed, Release).unwrap(), Open);
        assert_eq!(next(Claimed, Fulfil).unwrap(), Fulfilled);
        assert_eq!(next(Open, Withdraw).unwrap(), Withdrawn);
        assert_eq!(next(Pending, Approve).unwrap(), Open);
        assert_eq!(next(Pending, Refuse).unwrap(), Refused);
        assert_eq!(next(Pending, Withdraw).unwrap(), Withdrawn);
        for (from, m) in [
            (Pending, Claim),
            (Pending, Fulfil),
            (Open, Approve),
            (Refused, Approve),
            (Refused, Withdraw),
            (Open, Fulfil),
            (Claimed, Claim),
            (Claimed, Withdraw),
            (Fulfilled, Release),
            (Fulfilled, Claim),
            (Withdrawn, Claim),
        ] {
            assert_eq!(next(from, m).unwrap_err().field, "move", "{from:?} {m:?}");
        }
    }

    #[test]
    fn fulfilment_dates() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let today = d("2026-11-23");
        assert!(fulfilled_on(d("2026-11-24"), d("2026-11-01"), today).is_err());
        assert!(fulfilled_on(d("2026-10-31"), d("2026-11-01"), today).is_err());
        assert_eq!(
            fulfilled_on(d("2026-11-01"), d("2026-11-01"), today).unwrap(),
            d("2026-11-01")
        );
    }
}
