//! A meeting of an org: its kind and whether it is planned, held or cancelled.

use crate::Invalid;
use chrono::NaiveDate;

labelled_enum! {
    /// The meetings of 三会一课, plus 主题党日 and the yearly 组织生活会 and 民主评议党员.
    MeetingKind, "kind" {
        BranchAssembly = "branch_assembly", "支部党员大会" | "党员大会";
        BranchCommittee = "branch_committee", "支委会" | "支部委员会";
        GroupMeeting = "group_meeting", "党小组会";
        PartyLecture = "party_lecture", "党课";
        ThemedDay = "themed_day", "主题党日";
        LifeMeeting = "life_meeting", "组织生活会";
        DemocraticReview = "democratic_review", "民主评议党员" | "民主评议";
    }
}

labelled_enum! {
    MeetingStatus, "status" {
        Planned = "planned", "计划";
        Held = "held", "已召开";
        Cancelled = "cancelled", "已取消";
    }
}

impl MeetingKind {
    /// The kind's bit in a month's tally of the kinds an org held (`meeting_months.kinds`):
    /// stored, so fixed per kind.
    pub fn bit(self) -> i64 {
        match self {
            MeetingKind::BranchAssembly => 1,
            MeetingKind::BranchCommittee => 2,
            MeetingKind::GroupMeeting => 4,
            MeetingKind::PartyLecture => 8,
            MeetingKind::ThemedDay => 16,
            MeetingKind::LifeMeeting => 32,
            MeetingKind::DemocraticReview => 64,
        }
    }

    /// The kinds whose bits are set.
    pub fn in_bits(bits: i64) -> impl Iterator<Item = MeetingKind> {
        MeetingKind::ALL
            .iter()
            .copied()
            .filter(move |k| bits & k.bit() != 0)
    }
}

/// A meeting recorded as held must not be dated in the future; a planned one may be.
pub fn check_date(status: MeetingStatus, date: NaiveDate, today: NaiveDate) -> Result<(), Invalid> {
    if status == MeetingStatus::Held && date > today {
        return Err(Invalid::new(
            "held_on",
            date,
            msg!("已召开的会议不能晚于今天"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_its_own_bit() {
        let all: i64 = MeetingKind::ALL.iter().map(|k| k.bit()).sum();
        assert_eq!(
            all,
            (1 << MeetingKind::ALL.len()) - 1,
            "distinct single bits"
        );
        let some = MeetingKind::ThemedDay.bit() | MeetingKind::BranchAssembly.bit();
        assert_eq!(
            MeetingKind::in_bits(some).collect::<Vec<_>>(),
            [MeetingKind::BranchAssembly, MeetingKind::ThemedDay]
        );
    }

    #[test]
    fn a_held_meeting_cannot_be_in_the_future() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let tomorrow = today.succ_opt().unwrap();
        assert!(check_date(MeetingStatus::Held, tomorrow, today).is_err());
        assert!(check_date(MeetingStatus::Held, today, today).is_ok());
        assert!(check_date(MeetingStatus::Planned, tomorrow, today).is_ok());
        assert_eq!(
            MeetingKind::parse("党员大会").unwrap(),
            MeetingKind::BranchAssembly
        );
    }
}
