//! 待办: what waits on the signed-in person, by what their role does — a grid worker's patrol
//! day, cases to verify and overdue cases in their grids; a department's cases overdue and due
//! today; a community's meetings owed this month, points entries to approve, wishes to
//! confirm and commitments coming due; a member's points this year and their 双报到. Each part is read through the use case
//! that owns it, as the actor, so the agenda shows nothing its pages would not.

use crate::cases::views::{self, CaseView, InboxQuery};
use crate::{Actor, OpsError};
use chrono::Datelike;
use jiceng_domain::Role;
use jiceng_domain::cases::Warning;
use jiceng_domain::clock;
use jiceng_store::Db;
use serde::Serialize;

/// How many cases of a kind the agenda lists; the count says how many there are (up to the
/// list the owning page reads).
const SHOWN: usize = 5;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Agenda {
    pub grid: Option<GridWork>,
    pub department: Option<DepartmentWork>,
    pub community: Option<CommunityWork>,
    pub member: Option<MemberWork>,
}

/// A community secretary's or worker's month. Counts of lists are of their first page of
/// `COUNTED` and say `more` beyond it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CommunityWork {
    /// This month, as compliance names it (`2026-12`).
    pub month: String,
    /// Orgs of the scope with 三会一课 still to hold this month (or missed), of how many.
    pub meetings_owed: i64,
    pub orgs: i64,
    pub points_to_approve: i64,
    pub points_more: bool,
    /// Wishes claimed and waiting for the community to confirm them fulfilled.
    pub wishes_to_confirm: i64,
    pub wishes_more: bool,
    /// Commitments of this year's co-building agreements not yet done and due within 30 days
    /// (or overdue).
    pub commitments_due: i64,
    /// Residents who signed up and wait for the community to confirm them.
    pub residents_pending: i64,
    pub residents_more: bool,
    /// Wishes residents posted that wait for the community's review.
    pub wishes_to_review: i64,
    pub wishes_to_review_more: bool,
}

/// How many rows of a list a count reads before it says "more".
const COUNTED: i64 = 200;

/// A grid worker's day.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GridWork {
    pub minutes: i64,
    pub target_minutes: i64,
    pub to_verify: i64,
    /// More wait for verification than the list the patrol page reads (the count is "at least").
    pub verify_more: bool,
    /// Overdue among the open cases the patrol page reads (the newest); `overdue_more` when
    /// that list is full, so older ones may be overdue too.
    pub overdue: i64,
    pub overdue_more: bool,
    /// The first cases waiting for verification, then the first overdue ones.
    pub cases: Vec<CaseView>,
}

/// A department handler's inbox as it stands today: cases held and summonses to answer.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DepartmentWork {
    /// Open in the inbox (held or summoned to), overdue, and due by the end of today.
    pub open: i64,
    pub overdue: i64,
    pub due_today: i64,
    /// The inbox holds more than the first page counted (the counts are "at least").
    pub more: bool,
    /// Whistles that summoned the department and wait for its report (报到), and those of
    /// them past their report deadline.
    pub summons_to_report: i64,
    pub summons_late: i64,
    /// More summonses wait than were counted (the counts are "at least").
    pub summons_more: bool,
    /// The first cases, soonest due first.
    pub cases: Vec<CaseView>,
}

/// A member's own year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MemberWork {
    pub member_id: i64,
    pub year: i32,
    pub points: i64,
    /// Their rank among the members of their org (and those under it) and how many are
    /// ranked; none until the year's totals are kept.
    pub place: Option<(i64, i64)>,
    /// The community they are registered with now (双报到), and since when.
    pub registered_with: Option<(String, chrono::NaiveDate)>,
    /// Minutes of volunteer service recorded for them this year.
    pub service_minutes: i64,
    /// Open micro-wishes they may claim (where they live and where they are registered).
    pub open_wishes: i64,
    pub wishes_more: bool,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "agenda"))]
pub async fn agenda(db: &Db, actor: &Actor) -> Result<Agenda, OpsError> {
    let mut agenda = Agenda {
        grid: None,
        department: None,
        community: None,
        member: None,
    };
    match actor.role() {
        Some(Role::GridWorker) => agenda.grid = Some(grid(db, actor).await?),
        Some(Role::DepartmentHandler) => agenda.department = Some(department(db, actor).await?),
        Some(Role::CommunitySecretary | Role::CommunityWorker) => {
            agenda.community = Some(community(db, actor).await?);
        }
        Some(Role::Member) => {
            if let Some(id) = actor.member_id() {
                agenda.member = Some(member(db, actor, id).await?);
            }
        }
        _ => {}
    }
    Ok(agenda)
}

fn overdue(c: &CaseView) -> bool {
    c.warning == Some(Warning::Overdue)
}

async fn grid(db: &Db, actor: &Actor) -> Result<GridWork, OpsError> {
    use crate::grids::patrols;
    let day = patrols::my_day(db, actor).await?;
    let mine = patrols::my_cases(db, actor).await?;
    let full = patrols::MY_CASES as usize;
    let overdue_more = mine.open.len() >= full;
    let late: Vec<CaseView> = mine.open.into_iter().filter(overdue).collect();
    Ok(GridWork {
        minutes: day.minutes,
        target_minutes: day.target_minutes,
        to_verify: mine.verifying.len() as i64,
        verify_more: mine.verifying.len() >= full,
        overdue: late.len() as i64,
        overdue_more,
        cases: mine
            .verifying
            .into_iter()
            .take(SHOWN)
            .chain(late.into_iter().take(SHOWN))
            .collect(),
    })
}

async fn department(db: &Db, actor: &Actor) -> Result<DepartmentWork, OpsError> {
    // The open tab is soonest due first: what is overdue or due today leads it.
    let page = views::inbox(
        db,
        actor,
        InboxQuery {
            limit: Some(200),
            ..Default::default()
        },
    )
    .await?;
    let end_of_today = clock::start_of(clock::today() + chrono::Days::new(1));
    // Only cases running against a deadline (a warning) are due; one on hold is not.
    let due = page
        .items
        .iter()
        .filter(|c| c.warning.is_some() && c.row.due_at.is_some_and(|d| d < end_of_today))
        .count() as i64;
    let overdue = page.items.iter().filter(|c| overdue(c)).count() as i64;
    let mut summons = views::summons_to_report(db, actor).await?;
    let summons_more = summons.len() as i64 > views::SUMMONS_COUNTED;
    summons.truncate(views::SUMMONS_COUNTED as usize);
    let now = clock::now();
    Ok(DepartmentWork {
        open: page.items.len() as i64,
        overdue,
        due_today: due - overdue,
        more: page.next.is_some(),
        summons_to_report: summons.len() as i64,
        summons_late: summons.iter().filter(|d| **d < now).count() as i64,
        summons_more,
        cases: page.items.into_iter().take(SHOWN).collect(),
    })
}

async fn community(db: &Db, actor: &Actor) -> Result<CommunityWork, OpsError> {
    let today = clock::today();
    let month = jiceng_domain::orglife::Period::Month(today.year(), today.month()).to_string();
    let report = crate::orglife::compliance::report(db, actor, None, &month).await?;
    let pending = crate::points::pending(
        db,
        actor,
        crate::points::PendingQuery {
            limit: Some(COUNTED),
            ..Default::default()
        },
    )
    .await?;
    let claimed = crate::wishes::list(
        db,
        actor,
        crate::wishes::ListWishes {
            status: Some("claimed".into()),
            limit: Some(COUNTED),
            ..Default::default()
        },
    )
    .await?;
    let to_review = crate::wishes::list(
        db,
        actor,
        crate::wishes::ListWishes {
            status: Some("pending".into()),
            limit: Some(COUNTED),
            ..Default::default()
        },
    )
    .await?;
    let agreements = crate::cobuilding::list(
        db,
        actor,
        crate::cobuilding::ListAgreements {
            year: Some(today.year()),
            limit: Some(500),
            ..Default::default()
        },
    )
    .await?;
    let waiting = crate::residents::list(
        db,
        actor,
        crate::residents::ListResidents {
            limit: Some(COUNTED),
            ..Default::default()
        },
    )
    .await?;
    let soon = today + chrono::Days::new(30);
    let commitments_due = crate::cobuilding::commitments_of(db, actor, &agreements.items)
        .await?
        .iter()
        .filter(|c| c.done_on.is_none() && c.due_on <= soon)
        .count() as i64;
    Ok(CommunityWork {
        month,
        // A month in progress misses nothing yet: what it owes is what is still to hold.
        meetings_owed: report
            .orgs
            .iter()
            .filter(|o| o.pending > 0 || !o.missed.is_empty())
            .count() as i64,
        orgs: report.orgs.len() as i64,
        points_to_approve: pending.items.len() as i64,
        points_more: pending.next.is_some(),
        wishes_to_confirm: claimed.items.len() as i64,
        wishes_more: claimed.next.is_some(),
        commitments_due,
        residents_pending: waiting.items.len() as i64,
        residents_more: waiting.next.is_some(),
        wishes_to_review: to_review.items.len() as i64,
        wishes_to_review_more: to_review.next.is_some(),
    })
}

async fn member(db: &Db, actor: &Actor, id: i64) -> Result<MemberWork, OpsError> {
    let year = clock::today().year();
    let ledger = crate::points::ledger(db, actor, id, "accrual", Some(&year.to_string())).await?;
    let file = crate::members::show(db, actor, id, false).await?;
    let registered_with = file
        .registrations
        .into_iter()
        .find(|r| r.ended_on.is_none())
        .map(|r| (r.community_name, r.registered_on));
    let place = crate::points::own_place(db, actor, id, ledger.total).await?;
    let service_minutes = {
        let mut tx = db.read().await?;
        let m = crate::members::policy::resolve(&mut tx, actor, id).await?;
        let from = chrono::NaiveDate::from_ymd_opt(year, 1, 1).expect("a year's first day");
        jiceng_store::service::of_member(&mut tx, m.id, from, clock::today())
            .await?
            .iter()
            .map(|s| s.minutes)
            .sum()
    };
    let wishes = crate::wishes::list(
        db,
        actor,
        crate::wishes::ListWishes {
            status: Some("open".into()),
            limit: Some(COUNTED),
            ..Default::default()
        },
    )
    .await?;
    Ok(MemberWork {
        member_id: id,
        year,
        points: ledger.total,
        place,
        registered_with,
        service_minutes,
        open_wishes: wishes.items.len() as i64,
        wishes_more: wishes.next.is_some(),
    })
}
