//! The yearly ledgers (台账) of an org, generated from the records for the pages, their
//! workbooks and the API alike: the 三会一课 ledger of its held meetings, the points ledger of
//! its members and, for a community, the 双报到 ledger. The org is resolved as the actor
//! first: another's answers as missing.

use super::compliance::{self, Missed};
use super::meetings::{self, ListMeetings, MeetingDetail};
use crate::points::{self, Ranked, RankingQuery};
use crate::{Actor, OpsError};
use jiceng_store::Db;
use serde::Serialize;

/// Rows read a page at a time.
const PAGE: usize = 500;
/// The most lines a ledger holds.
pub const MAX_LINES: usize = 100_000;

/// The org a ledger is of.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LedgerOrg {
    pub code: String,
    pub name: String,
}

async fn org(db: &Db, actor: &Actor, code: &str) -> Result<LedgerOrg, OpsError> {
    let o = crate::orgs::show(db, actor, code).await?.org.row;
    Ok(LedgerOrg {
        code: o.code,
        name: o.name,
    })
}

/// 三会一课 ledger: the org's own held meetings of the year, in date order, and whether it met
/// the year's rules.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeetingsLedger {
    pub org: LedgerOrg,
    pub year: i32,
    pub complies: bool,
    pub missed: Vec<Missed>,
    pub meetings: Vec<MeetingDetail>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "meetings"))]
pub async fn meetings(
    db: &Db,
    actor: &Actor,
    code: &str,
    year: i32,
) -> Result<MeetingsLedger, OpsError> {
    let org = org(db, actor, code).await?;
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let p = meetings::list(
            db,
            actor,
            ListMeetings {
                org: Some(org.code.clone()),
                status: Some("held".into()),
                from: Some(format!("{year}-01-01")),
                to: Some(format!("{year}-12-31")),
                after: after.take(),
                limit: Some(PAGE as i64),
                ..Default::default()
            },
        )
        .await?;
        for m in &p.items {
            out.push(meetings::show(db, actor, m.row.id).await?);
        }
        match p.next {
            Some(n) if out.len() < MAX_LINES => after = Some(n),
            _ => break,
        }
    }
    out.sort_by_key(|d| (d.meeting.row.held_on, d.meeting.row.id));
    // A year not yet begun owes nothing; its report is refused, so it complies.
    let (complies, missed) =
        match compliance::report(db, actor, Some(&org.code), &year.to_string()).await {
            Ok(r) => r
                .orgs
                .into_iter()
                .find(|o| o.org.code == org.code)
                .map(|o| (o.complies, o.missed))
                .unwrap_or((true, Vec::new())),
            Err(OpsError::Invalid(_)) => (true, Vec::new()),
            Err(e) => return Err(e),
        };
    Ok(MeetingsLedger {
        org,
        year,
        complies,
        missed,
        meetings: out,
    })
}

/// Points ledger: every member of the org's subtree with their points for the year under a
/// scheme, highest first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PointsLedger {
    pub org: LedgerOrg,
    pub year: i32,
    pub scheme: String,
    pub members: Vec<Ranked>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "points"))]
pub async fn points(
    db: &Db,
    actor: &Actor,
    code: &str,
    year: i32,
    scheme: &str,
) -> Result<PointsLedger, OpsError> {
    let org = org(db, actor, code).await?;
    let members = points::ranking_whole(
        db,
        actor,
        RankingQuery {
            within: Some(org.code.clone()),
            scheme: Some(scheme.to_string()),
            period: Some(year.to_string()),
            ..Default::default()
        },
    )
    .await?
    .items;
    Ok(PointsLedger {
        org,
        year,
        scheme: scheme.to_string(),
        members,
    })
}

/// A line of the 双报到 ledger: a member or a unit's party org registered with the community
/// at some time in the year, and the minutes a member served there that year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegistrationLine {
    pub member_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub name: String,
    /// member or unit.
    pub kind: &'static str,
    pub registered_on: chrono::NaiveDate,
    pub ended_on: Option<chrono::NaiveDate>,
    pub service_minutes: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegistrationsLedger {
    pub org: LedgerOrg,
    pub year: i32,
    pub lines: Vec<RegistrationLine>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "registrations"))]
pub async fn registrations(
    db: &Db,
    actor: &Actor,
    code: &str,
    year: i32,
) -> Result<RegistrationsLedger, OpsError> {
    let org = org(db, actor, code).await?;
    let (first, last) = (
        chrono::NaiveDate::from_ymd_opt(year, 1, 1),
        chrono::NaiveDate::from_ymd_opt(year, 12, 31),
    );
    let (Some(first), Some(last)) = (first, last) else {
        return Err(jiceng_domain::Invalid::new(
            "year",
            year,
            jiceng_domain::msg!("年度应不早于 2000 年"),
        )
        .into());
    };
    let served = crate::service::at_community(db, actor, &org.code, year).await?;
    let mut lines = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let p = crate::registrations::of_community(
            db,
            actor,
            &org.code,
            false,
            after.as_deref(),
            PAGE as i64,
        )
        .await?;
        for r in p.items {
            if r.registered_on > last || r.ended_on.is_some_and(|e| e < first) {
                continue;
            }
            let (name, kind) = match (r.member_name, r.unit_name) {
                (Some(m), _) => (m, "member"),
                (None, Some(u)) => (u, "unit"),
                _ => (String::new(), "unit"),
            };
            lines.push(RegistrationLine {
                service_minutes: r.member_id.map(|m| served.get(&m).copied().unwrap_or(0)),
                member_id: r.member_id,
                unit_id: r.unit_id,
                name,
                kind,
                registered_on: r.registered_on,
                ended_on: r.ended_on,
            });
        }
        match p.next {
            Some(n) if lines.len() < MAX_LINES => after = Some(n),
            _ => break,
        }
    }
    Ok(RegistrationsLedger { org, year, lines })
}
