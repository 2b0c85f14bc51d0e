//! Volunteer service (志愿服务): a community's writers record the service party members did
//! in it, in half hours; the record feeds the members' points (志愿服务时长) and the 双报到
//! ledger. A record can be deleted by whoever may record it, and both are audited.

use crate::input::{opt, required};
use crate::orgs::by_code;
use crate::{Actor, OpsError, Page};
use chrono::{Datelike, Duration, NaiveDate};
use jiceng_domain::clock;
use jiceng_domain::{Invalid, OrgCategory, OrgLevel, msg, text};
use jiceng_store::service::{self as store, NewService};
use jiceng_store::{Db, audit};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewServiceInput {
    pub member_id: Option<i64>,
    /// The community's org code.
    pub community: Option<String>,
    /// Defaults to today.
    pub served_on: Option<String>,
    /// Hours, in half hours: `2`, `1.5`.
    #[serde(default, deserialize_with = "crate::input::text_or_number")]
    pub hours: Option<String>,
    pub activity: Option<String>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "record"))]
pub async fn record(db: &Db, actor: &Actor, new: NewServiceInput) -> Result<Service, OpsError> {
    let minutes = jiceng_domain::service::minutes(required("hours", &new.hours)?)?;
    let activity = text::name("activity", required("activity", &new.activity)?, 100)?;
    let served_on = match opt(&new.served_on) {
        Some(d) => text::past_date("served_on", d, clock::today())?,
        None => clock::today(),
    };
    let member_id = new
        .member_id
        .ok_or_else(|| Invalid::new("member", "", msg!("必填")))?;
    let code = required("community", &new.community)?.to_string();
    let mut tx = db.write().await?;
    let community = by_code(&mut tx, actor, "community", &code).await?;
    if community.level != OrgLevel::Community || community.category != OrgCategory::Regional {
        return Err(Invalid::new("community", &code, msg!("应为社区党组织的代码")).into());
    }
    actor.may_write(&community.path)?;
    let member =
        crate::registrations::credited(&mut tx, actor, "member", member_id, community.id).await?;
    let volunteer_id = jiceng_store::volunteers::of_member(&mut tx, member.id)
        .await?
        .map(|v| v.id);
    let id = store::insert(
        &mut tx,
        &NewService {
            member_id: member.id,
            volunteer_id,
            community_org_id: community.id,
            served_on,
            minutes,
            activity: &activity,
            by: &actor.audit_name(),
        },
    )
    .await?;
    let row = store::by_id(&mut tx, id).await?.expect("just written");
    crate::points::kept::members(&mut tx, &[member.id], Some(row.served_on)).await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "service.record",
            target: &format!("member:{}", member.id),
            path: Some(&community.path),
            before: None,
            after: serde_json::to_string(&row).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(row.into())
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "delete"))]
pub async fn delete(db: &Db, actor: &Actor, id: i64) -> Result<Service, OpsError> {
    let mut tx = db.write().await?;
    let row = store::by_id(&mut tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("志愿服务记录", id))?;
    actor.reach(&row.community_path, "志愿服务记录", id)?;
    actor.may_write(&row.community_path)?;
    store::delete(&mut tx, id).await?;
    let members: Vec<i64> = row.member_id.into_iter().collect();
    crate::points::kept::members(&mut tx, &members, Some(row.served_on)).await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "service.delete",
            target: &match (row.member_id, row.volunteer_id) {
                (Some(m), _) => format!("member:{m}"),
                (None, v) => format!("volunteer:{}", v.unwrap_or_default()),
            },
            path: Some(&row.community_path),
            before: serde_json::to_string(&row).ok(),
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(row.into())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListService {
    pub within: Option<String>,
    /// Served from / to, as dates; the last 90 days by default.
    pub from: Option<String>,
    pub to: Option<String>,
    /// The `next` of the page before.
    pub after: Option<String>,
    /// Rows a page, 50 unless asked (1–500).
    pub limit: Option<i64>,
}

/// Service done in the communities of a scope, newest first, by keyset.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "list"))]
pub async fn list(db: &Db, actor: &Actor, q: ListService) -> Result<Page<Service>, OpsError> {
    let today = clock::today();
    let to = match opt(&q.to) {
        Some(d) => text::date("to", d)?,
        None => today,
    };
    let from = match opt(&q.from) {
        Some(d) => text::date("from", d)?,
        None => to - Duration::days(90),
    };
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let after = jiceng_domain::keyset::read_date(opt(&q.after))?;
    let mut tx = db.read().await?;
    let scope = crate::orgs::list_scope(&mut tx, actor, &q.within).await?;
    let rows = store::within(&mut tx, &scope, from, to, after, limit + 1).await?;
    Ok(Page::keyset(
        rows,
        limit,
        |r| (jiceng_domain::keyset::midnight(r.served_on), r.id),
        Into::into,
    ))
}

/// Minutes each member served at a community in a year, for its 双报到 ledger.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "at_community"))]
pub async fn at_community(
    db: &Db,
    actor: &Actor,
    code: &str,
    year: i32,
) -> Result<std::collections::HashMap<i64, i64>, OpsError> {
    let mut tx = db.read().await?;
    let community = by_code(&mut tx, actor, "community", code).await?;
    actor.may_read(&community.path)?;
    let first = NaiveDate::from_ymd_opt(year, 1, 1)
        .ok_or_else(|| Invalid::new("year", year, msg!("年度应不早于 2000 年")))?;
    let last = NaiveDate::from_ymd_opt(first.year(), 12, 31).expect("a date");
    Ok(store::at_community(&mut tx, community.id, first, last)
        .await?
        .into_iter()
        .collect())
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Service {
    pub id: i64,
    /// The member who served; none for a resident volunteer (whose hours reach no points).
    pub member_id: Option<i64>,
    pub volunteer_id: Option<i64>,
    /// The member's or volunteer's name.
    pub member_name: String,
    /// The activity whose confirmed hours it records, if any.
    pub activity_id: Option<i64>,
    pub community_org_id: i64,
    pub community_code: String,
    pub community_name: String,
    pub community_path: String,
    pub served_on: chrono::NaiveDate,
    pub minutes: i64,
    pub activity: String,
    pub recorded_by: String,
}

impl From<jiceng_store::service::ServiceRow> for Service {
    fn from(r: jiceng_store::service::ServiceRow) -> Self {
        Service {
            id: r.id,
            member_id: r.member_id,
            volunteer_id: r.volunteer_id,
            member_name: r.member_name,
            activity_id: r.activity_id,
            community_org_id: r.community_org_id,
            community_code: r.community_code,
            community_name: r.community_name,
            community_path: r.community_path,
            served_on: r.served_on,
            minutes: r.minutes,
            activity: r.activity,
            recorded_by: r.recorded_by,
        }
    }
}
