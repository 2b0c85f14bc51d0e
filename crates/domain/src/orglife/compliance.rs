//! How often each meeting must be held, and whether an org met that over a period.
//!
//! A rule says which kind of meeting an org of which level must hold, and how often. Over a
//! period, each rule becomes slots (each month, each quarter, the year) inside the period; a
//! slot is met by one held meeting of the kind dated inside it, is pending while it has not
//! ended, and is missed once it has. Rules coarser than the period (a yearly rule asked about a
//! quarter) are not assessed, so no org fails a yearly duty in March.

use super::{MeetingKind, Period};
use crate::{Invalid, OrgLevel};
use chrono::NaiveDate;

labelled_enum! {
    Frequency, "frequency" {
        Monthly = "monthly", "每月";
        Quarterly = "quarterly", "每季度";
        Yearly = "yearly", "每年";
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub kind: MeetingKind,
    pub level: OrgLevel,
    pub frequency: Frequency,
}

/// The deployment's rules. Each kind appears at most once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules(Vec<Rule>);

impl Rules {
    /// The common national practice: 支部党员大会 and 党课 quarterly, 支委会 and 主题党日 monthly for
    /// branches; 党小组会 monthly for groups; 组织生活会 and 民主评议 yearly.
    pub fn standard() -> Rules {
        use Frequency::*;
        use MeetingKind::*;
        let b = OrgLevel::Branch;
        Rules(vec![
            Rule {
                kind: BranchAssembly,
                level: b,
                frequency: Quarterly,
            },
            Rule {
                kind: BranchCommittee,
                level: b,
                frequency: Monthly,
            },
            Rule {
                kind: GroupMeeting,
                level: OrgLevel::Group,
                frequency: Monthly,
            },
            Rule {
                kind: PartyLecture,
                level: b,
                frequency: Quarterly,
            },
            Rule {
                kind: ThemedDay,
                level: b,
                frequency: Monthly,
            },
            Rule {
                kind: LifeMeeting,
                level: b,
                frequency: Yearly,
            },
            Rule {
                kind: DemocraticReview,
                level: b,
                frequency: Yearly,
            },
        ])
    }

    /// Rules from stored rows (kind, level, frequency); a kind listed twice is refused.
    pub fn from_rows<'a>(
        rows: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
    ) -> Result<Rules, Invalid> {
        let mut out: Vec<Rule> = Vec::new();
        for (kind, level, frequency) in rows {
            let kind = MeetingKind::parse(kind)?;
            if out.iter().any(|r| r.kind == kind) {
                return Err(Invalid::new(
                    "kind",
                    kind.code(),
                    msg!("同一种会议只能有一条规则"),
                ));
            }
            out.push(Rule {
                kind,
                level: OrgLevel::parse(level)?,
                frequency: Frequency::parse(frequency)?,
            });
        }
        out.sort_by_key(|r| r.kind);
        Ok(Rules(out))
    }

    pub fn all(&self) -> &[Rule] {
        &self.0
    }

    pub fn for_level(&self, level: OrgLevel) -> impl Iterator<Item = &Rule> {
        self.0.iter().filter(move |r| r.level == level)
    }

    /// The levels any rule applies to.
    pub fn levels(&self) -> Vec<OrgLevel> {
        let mut v: Vec<OrgLevel> = self.0.iter().map(|r| r.level).collect();
        v.sort();
        v.dedup();
        v
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    Met,
    Pending,
    Missed,
}

/// One slot of one rule: the kind, the month/quarter/year, and its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirement {
    pub kind: MeetingKind,
    pub slot: Period,
    pub state: State,
}

fn slots(frequency: Frequency, period: Period) -> Vec<Period> {
    match (frequency, period) {
        (Frequency::Monthly, p) => p.months(),
        (Frequency::Quarterly, Period::Month(..)) => Vec::new(),
        (Frequency::Quarterly, p) => p.quarters(),
        (Frequency::Yearly, Period::Year(y)) => vec![Period::Year(y)],
        (Frequency::Yearly, _) => Vec::new(),
    }
}

/// The requirements of an org of `level` over `period`, given the (kind, date) of the meetings
/// it held. Slots that end after `today` and are not yet met are pending, not missed.
pub fn evaluate(
    rules: &Rules,
    level: OrgLevel,
    held: &[(MeetingKind, NaiveDate)],
    period: Period,
    today: NaiveDate,
) -> Vec<Requirement> {
    let mut out = Vec::new();
    for rule in rules.for_level(level) {
        for slot in slots(rule.frequency, period) {
            let met = held
                .iter()
                .any(|(k, d)| *k == rule.kind && slot.contains(*d));
            let state = if met {
                State::Met
            } else if slot.last_day() >= today {
                State::Pending
            } else {
                State::Missed
            };
            out.push(Requirement {
                kind: rule.kind,
                slot,
                state,
            });
        }
    }
    out
}

/// Complies when nothing is missed.
pub fn complies(reqs: &[Requirement]) -> bool {
    reqs.iter().all(|r| r.state != State::Missed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use MeetingKind::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn branch_quarter(held: &[(MeetingKind, &str)], today: &str) -> Vec<Requirement> {
        let held: Vec<_> = held.iter().map(|(k, s)| (*k, d(s))).collect();
        evaluate(
            &Rules::standard(),
            OrgLevel::Branch,
            &held,
            Period::Quarter(2026, 3),
            d(today),
        )
    }

    #[test]
    fn a_full_quarter_complies() {
        let mut held = vec![(BranchAssembly, "2026-08-10"), (PartyLecture, "2026-09-30")];
        for m in ["07", "08", "09"] {
            held.push((
                BranchCommittee,
                Box::leak(format!("2026-{m}-05").into_boxed_str()),
            ));
            held.push((
                ThemedDay,
                Box::leak(format!("2026-{m}-01").into_boxed_str()),
            ));
        }
        let reqs = branch_quarter(&held, "2026-11-01");
        // 1 assembly + 3 committees + 1 lecture + 3 themed days; yearly rules not assessed.
        assert_eq!(reqs.len(), 8);
        assert!(complies(&reqs));
    }

    #[test]
    fn a_missing_month_is_missed_once_the_month_is_over() {
        let held = [
            (BranchAssembly, "2026-07-10"),
            (PartyLecture, "2026-07-11"),
            (BranchCommittee, "2026-07-05"),
            (BranchCommittee, "2026-09-05"),
            (ThemedDay, "2026-07-01"),
            (ThemedDay, "2026-08-01"),
            (ThemedDay, "2026-09-01"),
        ];
        let reqs = branch_quarter(&held, "2026-10-15");
        let missed: Vec<_> = reqs.iter().filter(|r| r.state == State::Missed).collect();
        assert_eq!(missed.len(), 1);
        assert_eq!(missed[0].kind, BranchCommittee);
        assert_eq!(missed[0].slot, Period::Month(2026, 8));
        assert!(!complies(&reqs));
    }

    #[test]
    fn the_current_month_is_pending_not_missed() {
        let reqs = branch_quarter(&[], "2026-09-15");
        assert!(
            reqs.iter()
                .any(|r| r.slot == Period::Month(2026, 9) && r.state == State::Pending)
        );
        assert!(
            reqs.iter()
                .any(|r| r.slot == Period::Month(2026, 7) && r.state == State::Missed)
        );
        // The quarter is not over: the quarterly duties are still pending.
        assert!(
            reqs.iter()
                .any(|r| r.kind == BranchAssembly && r.state == State::Pending)
        );
    }

    #[test]
    fn yearly_duties_count_only_over_a_year() {
        let held = [(LifeMeeting, d("2026-01-20"))];
        let year = evaluate(
            &Rules::standard(),
            OrgLevel::Branch,
            &held,
            Period::Year(2026),
            d("2027-01-02"),
        );
        assert!(
            year.iter()
                .any(|r| r.kind == LifeMeeting && r.state == State::Met)
        );
        assert!(
            year.iter()
                .any(|r| r.kind == DemocraticReview && r.state == State::Missed)
        );
        assert_eq!(
            year.iter().filter(|r| r.kind == BranchCommittee).count(),
            12
        );
        // Groups only owe their monthly group meeting; other levels owe nothing.
        let group = evaluate(
            &Rules::standard(),
            OrgLevel::Group,
            &[],
            Period::Quarter(2026, 1),
            d("2026-05-01"),
        );
        assert_eq!(group.len(), 3);
        assert!(group.iter().all(|r| r.kind == GroupMeeting));
        let street = evaluate(
            &Rules::standard(),
            OrgLevel::Street,
            &[],
            Period::Year(2026),
            d("2027-05-01"),
        );
        assert!(street.is_empty());
    }

    #[test]
    fn rules_are_configurable_and_checked() {
        let rules = Rules::from_rows([
            ("party_lecture", "branch", "yearly"),
            ("themed_day", "branch", "monthly"),
        ])
        .unwrap();
        let reqs = evaluate(
            &rules,
            OrgLevel::Branch,
            &[],
            Period::Quarter(2026, 1),
            d("2026-12-01"),
        );
        assert_eq!(
            reqs.len(),
            3,
            "a yearly lecture is not owed within a quarter"
        );
        assert!(
            Rules::from_rows([
                ("party_lecture", "branch", "yearly"),
                ("党课", "branch", "quarterly")
            ])
            .is_err()
        );
        assert!(Rules::from_rows([("tea_party", "branch", "yearly")]).is_err());
        assert!(Rules::from_rows([("party_lecture", "branch", "weekly")]).is_err());
    }
}
