//! 项目清单 (projects): one or more needs met with resources — who owns it, when it runs, and
//! how it goes: planned → under way → done, or dropped (its needs open again and its
//! resources are given back). A project done meets its needs.

use crate::Invalid;
use chrono::NaiveDate;

labelled_enum! {
    ProjectStatus, "status" {
        Planned = "planned", "计划中";
        UnderWay = "under_way", "实施中";
        Done = "done", "已完成";
        Dropped = "dropped", "已终止";
    }
}

labelled_enum! {
    ProjectMove, "move" {
        Start = "start", "开始实施";
        Finish = "finish", "完成";
        Drop = "drop", "终止";
    }
}

/// The status a move leads to from `from`, or why it cannot be made.
pub fn next(from: ProjectStatus, m: ProjectMove) -> Result<ProjectStatus, Invalid> {
    use ProjectMove::*;
    use ProjectStatus::*;
    match (from, m) {
        (Planned, Start) => Ok(UnderWay),
        (UnderWay, Finish) => Ok(Done),
        (Planned | UnderWay, Drop) => Ok(Dropped),
        _ => Err(Invalid::new(
            "move",
            m.code(),
            msg!(
                "项目“{status}”时不能{action}",
                status = from.label(),
                action = m.label()
            ),
        )),
    }
}

/// A project's schedule: both ends given, the end not before the start.
pub fn schedule(
    starts: Option<NaiveDate>,
    ends: Option<NaiveDate>,
) -> Result<(NaiveDate, NaiveDate), Invalid> {
    let starts = starts.ok_or_else(|| Invalid::new("starts_on", "", msg!("必填")))?;
    let ends = ends.ok_or_else(|| Invalid::new("ends_on", "", msg!("必填：项目须有完成期限")))?;
    if ends < starts {
        return Err(Invalid::new(
            "ends_on",
            ends,
            msg!("不能早于开始日期 {from}", from = starts),
        ));
    }
    Ok((starts, ends))
}

/// An amount drawn on a resource: at least one, at most what is left.
pub fn draw(amount: i64, left: i64) -> Result<i64, Invalid> {
    if amount < 1 {
        return Err(Invalid::new("amount", amount, msg!("应为不小于 1 的数量")));
    }
    if amount > left {
        return Err(Invalid::new(
            "amount",
            amount,
            msg!("超过资源余量 {left}", left = left),
        ));
    }
    Ok(amount)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_project_runs_planned_under_way_done_or_is_dropped() {
        use ProjectMove::*;
        use ProjectStatus::*;
        assert_eq!(next(Planned, Start).unwrap(), UnderWay);
        assert_eq!(next(UnderWay, Finish).unwrap(), Done);
        assert_eq!(next(Planned, Drop).unwrap(), Dropped);
        assert_eq!(next(UnderWay, Drop).unwrap(), Dropped);
        for (from, m) in [
            (Planned, Finish),
            (Done, Drop),
            (Dropped, Start),
            (UnderWay, Start),
        ] {
            assert_eq!(next(from, m).unwrap_err().field, "move", "{from:?} {m:?}");
        }
    }

    #[test]
    fn schedules_and_draws() {
        assert_eq!(
            schedule(Some(d("2026-12-01")), None).unwrap_err().field,
            "ends_on"
        );
        assert_eq!(
            schedule(None, Some(d("2026-12-01"))).unwrap_err().field,
            "starts_on"
        );
        assert_eq!(
            schedule(Some(d("2026-12-05")), Some(d("2026-12-01")))
                .unwrap_err()
                .field,
            "ends_on"
        );
        assert!(schedule(Some(d("2026-12-01")), Some(d("2026-12-01"))).is_ok());
        assert_eq!(draw(0, 5).unwrap_err().field, "amount");
        assert_eq!(draw(6, 5).unwrap_err().field, "amount");
        assert_eq!(draw(5, 5).unwrap(), 5);
    }
}
