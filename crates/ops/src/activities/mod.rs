//! 志愿活动: a community publishes an activity (for one of its teams or its own) at a service
//! position, a grid or a point, with roles and their places and who may sign up. Sign-up and
//! the waiting line are in `signup.rs`; check-in, check-out and the hours that become service
//! records in `attendance.rs`.

pub mod attendance;
pub mod no_shows;
pub mod policy;
pub mod signup;

use crate::input::{opt, required};
use crate::{Actor, OpsError, Page};
use chrono::{DateTime, Utc};
use jiceng_domain::activities::{self as rules, ActivityStatus, Audience, SignupState};
use jiceng_domain::{Invalid, OrgCategory, OrgLevel, clock, msg, text};
use jiceng_store::activities::{self as store, ActivityRow, NewActivity, RoleRow, SignupRow};
use jiceng_store::{Db, Tx, audit};
use policy::Reach;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Activity {
    pub id: i64,
    pub title: String,
    pub detail: Option<String>,
    pub community_org_id: i64,
    pub community_name: String,
    pub team_id: Option<i64>,
    pub team_name: Option<String>,
    pub position_id: Option<i64>,
    pub position_name: Option<String>,
    pub grid_id: Option<i64>,
    pub grid_name: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub place: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub audience: Audience,
    /// Sign-ups may be cancelled until this many minutes before the start.
    pub cancel_before_minutes: i64,
    pub status: ActivityStatus,
    /// Why the organiser called it off.
    pub cancel_reason: Option<String>,
    pub places: i64,
    pub taken: i64,
    pub waiting: i64,
}

impl From<ActivityRow> for Activity {
    fn from(r: ActivityRow) -> Self {
        Activity {
            id: r.id,
            title: r.title,
            detail: r.detail,
            community_org_id: r.community_org_id,
            community_name: r.community_name,
            team_id: r.team_id,
            team_name: r.team_name,
            position_id: r.position_id,
            position_name: r.position_name,
            grid_id: r.grid_id,
            grid_name: r.grid_name,
            lon: r.lon,
            lat: r.lat,
            place: r.place,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            audience: r.audience,
            cancel_before_minutes: r.cancel_before_minutes,
            status: r.status,
            cancel_reason: r.cancel_reason,
            places: r.places,
            taken: r.taken,
            waiting: r.waiting,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ActivityRole {
    pub id: i64,
    pub name: String,
    pub places: i64,
    pub taken: i64,
    pub waiting: i64,
}

impl From<RoleRow> for ActivityRole {
    fn from(r: RoleRow) -> Self {
        ActivityRole {
            id: r.id,
            name: r.name,
            places: r.places,
            taken: r.taken,
            waiting: r.waiting,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Signup {
    pub id: i64,
    pub activity_id: i64,
    pub activity_title: String,
    pub activity_starts_at: DateTime<Utc>,
    pub role_id: i64,
    pub role_name: String,
    pub volunteer_id: i64,
    pub volunteer_name: String,
    /// Whether the volunteer is a party member (only members' hours reach points).
    pub member: bool,
    /// As it stands now: an offer past its deadline reads as lapsed before the sweep writes it.
    pub state: SignupState,
    /// Place in the role's line, for one waiting (1 is next).
    pub line: Option<i64>,
    pub offer_until: Option<DateTime<Utc>>,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_out_at: Option<DateTime<Utc>>,
    pub minutes: Option<i64>,
    pub no_show: bool,
    /// The service record the hours became, once confirmed.
    pub service_id: Option<i64>,
}

impl Signup {
    pub(crate) fn of(r: SignupRow, now: DateTime<Utc>) -> Signup {
        let lapsed = r.state == SignupState::Offered && r.offer_until.is_some_and(|u| u < now);
        Signup {
            id: r.id,
            activity_id: r.activity_id,
            activity_title: r.activity_title,
            activity_starts_at: r.activity_starts_at,
            role_id: r.role_id,
            role_name: r.role_name,
            volunteer_id: r.volunteer_id,
            volunteer_name: r.volunteer_name,
            member: r.member_id.is_some(),
            state: if lapsed { SignupState::Lapsed } else { r.state },
            line: None,
            offer_until: r.offer_until,
            checked_in_at: r.checked_in_at,
            checked_out_at: r.checked_out_at,
            minutes: r.minutes,
            no_show: r.no_show,
            service_id: r.service_id,
        }
    }
}

/// The most sign-ups a roster shows, in the line's order. An activity is rarely past a few
/// hundred; one of thousands shows its first 5,000 (the hours are confirmed over all).
const ROSTER: i64 = 5000;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ActivityDetail {
    pub activity: Activity,
    pub roles: Vec<ActivityRole>,
    /// The actor's own sign-up, if any.
    pub mine: Option<Signup>,
    /// Whether the actor may sign up now (a member or resident, before the start).
    pub may_sign_up: bool,
    /// Whether the actor may cancel their own sign-up now (a place until the cancelling time,
    /// a place in line until the start).
    pub may_cancel: bool,
    /// Whether the actor organises it (attendance, hours).
    pub may_organise: bool,
    /// Ended and not confirmed: the organiser may confirm the hours.
    pub may_confirm: bool,
    /// Not yet over: the organiser may call it off.
    pub may_call_off: bool,
    /// Every sign-up, for those who read the community's records.
    pub roster: Vec<Signup>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RoleInput {
    pub name: Option<String>,
    pub places: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewActivityInput {
    pub title: Option<String>,
    pub detail: Option<String>,
    /// The community's org code.
    pub community: Option<String>,
    /// One of the community's teams, if the activity is theirs.
    pub team_id: Option<i64>,
    /// Where: a registered service position, a grid (by code), a point, or a place in words.
    pub position_id: Option<i64>,
    pub grid: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub place: Option<String>,
    /// Shanghai time, `2026-11-23 08:30`.
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    /// all, members or team; all unless asked.
    pub audience: Option<String>,
    /// Cancelling stays open until this many hours before the start; 2 unless asked.
    pub cancel_before_hours: Option<i64>,
    pub roles: Vec<RoleInput>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "publish_activity"))]
pub async fn publish(
    db: &Db,
    actor: &Actor,
    new: NewActivityInput,
) -> Result<ActivityDetail, OpsError> {
    let title = text::name("title", required("title", &new.title)?, 60)?;
    let detail = opt(&new.detail)
        .map(|d| text::long("detail", d, 1000))
        .transpose()?;
    let place = opt(&new.place)
        .map(|p| text::name("place", p, 60))
        .transpose()?;
    let starts_at = text::local_time("starts_at", required("starts_at", &new.starts_at)?)?;
    let ends_at = text::local_time("ends_at", required("ends_at", &new.ends_at)?)?;
    rules::span(starts_at, ends_at)?;
    if starts_at <= clock::now() {
        return Err(Invalid::new("starts_at", clock::stamp(starts_at), msg!("应晚于现在")).into());
    }
    let audience = opt(&new.audience)
        .map(Audience::parse)
        .transpose()?
        .unwrap_or(Audience::All);
    let cancel = new.cancel_before_hours.unwrap_or(2);
    if !(0..=72).contains(&cancel) {
        return Err(Invalid::new("cancel_before_hours", cancel, msg!("应为 0 到 72 小时")).into());
    }
    let mut roles = Vec::new();
    for r in &new.roles {
        let name = text::name("roles", required("roles", &r.name)?, 30)?;
        let places = rules::places(
            r.places
                .ok_or_else(|| Invalid::new("places", "", msg!("必填")))?,
        )?;
        roles.push((name, places));
    }
    if roles.is_empty() || roles.len() > 20 {
        return Err(Invalid::new("roles", roles.len(), msg!("应设 1 到 20 个岗位")).into());
    }
    let point = match (new.lon, new.lat) {
        (None, None) => None,
        (Some(x), Some(y)) if (73.0..=136.0).contains(&x) && (3.0..=54.0).contains(&y) => {
            Some((x, y))
        }
        (x, y) => {
            return Err(
                Invalid::new("lon", format!("{x:?},{y:?}"), msg!("应为中国境内的经纬度")).into(),
            );
        }
    };
    let code = required("community", &new.community)?.to_string();
    let mut tx = db.write().await?;
    let community = crate::orgs::by_code(&mut tx, actor, "community", &code).await?;
    if community.level != OrgLevel::Community || community.category != OrgCategory::Regional {
        return Err(crate::orgs::not_a_community(actor, &community));
    }
    actor.may_write(&community.path)?;
    if let Some(t) = new.team_id {
        let team = crate::volunteers::policy::team(&mut tx, actor, t)
            .await
            .map_err(|_| Invalid::new("team_id", t, msg!("没有这个志愿服务队")))?;
        if team.community_org_id != community.id {
            return Err(Invalid::new("team_id", t, msg!("应为本社区的志愿服务队")).into());
        }
    } else if audience == Audience::Team {
        return Err(Invalid::new(
            "audience",
            "team",
            msg!("仅限队员报名的活动需选择志愿服务队"),
        )
        .into());
    }
    // The place is the community's own, or a position above it (the street's centre).
    if let Some(p) = new.position_id {
        let at = crate::positions::policy::resolve(&mut tx, actor, p)
            .await
            .map_err(|_| Invalid::new("position_id", p, msg!("没有这个阵地")))?;
        if !at.org_path.starts_with(&community.path) && !community.path.starts_with(&at.org_path) {
            return Err(Invalid::new("position_id", p, msg!("应为本社区或其上级的阵地")).into());
        }
    }
    let grid = match opt(&new.grid) {
        Some(g) => {
            let (grid, _) = crate::grids::policy::named(&mut tx, actor, "grid", g).await?;
            if grid.community_org_id != community.id {
                return Err(Invalid::new("grid", g, msg!("应为本社区的网格")).into());
            }
            Some(grid.id)
        }
        None => None,
    };
    if new.position_id.is_none() && grid.is_none() && point.is_none() && place.is_none() {
        return Err(Invalid::new("place", "", msg!("请选择阵地、网格、地图位置或填写地点")).into());
    }
    let secret = crate::activities::attendance::new_secret();
    let id = store::insert(
        &mut tx,
        &NewActivity {
            title: &title,
            detail: detail.as_deref(),
            community_org_id: community.id,
            org_path: &community.path,
            team_id: new.team_id,
            position_id: new.position_id,
            grid_id: grid,
            point,
            place: place.as_deref(),
            starts_at,
            ends_at,
            audience,
            cancel_before_minutes: cancel * 60,
            secret: &secret,
            by: &actor.audit_name(),
        },
    )
    .await?;
    for (name, places) in &roles {
        store::add_role(&mut tx, id, name, *places).await?;
    }
    let detail = detail_of(&mut tx, actor, id).await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "activity.publish",
            target: &format!("activity:{id}"),
            path: Some(&community.path),
            before: None,
            after: serde_json::to_string(&detail.activity).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(detail)
}

/// An activity as the actor sees it, with their own sign-up and (for organisers) the roster.
pub(crate) async fn detail_of(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
) -> Result<ActivityDetail, OpsError> {
    let (row, reach) = policy::resolve(tx, actor, id).await?;
    let now = clock::now();
    let roles: Vec<ActivityRole> = store::roles(tx, id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    let mine = match policy::signs_up(actor) {
        true => match crate::volunteers::own(tx, actor).await? {
            Some(v) => store::signup_of(tx, id, v.id)
                .await?
                .map(|s| Signup::of(s, now)),
            None => None,
        },
        false => None,
    };
    let roster = match reach {
        Reach::Organiser => with_lines(store::roster(tx, id, ROSTER).await?, now),
        Reach::Volunteer => Vec::new(),
    };
    let mine = match mine {
        Some(mut m) if m.state == SignupState::Waiting => {
            m.line = Some(signup::line_of(tx, &m).await?);
            Some(m)
        }
        other => other,
    };
    Ok(detail(actor, row, roles, mine, roster, now))
}

/// The detail as the actor sees it, from what was read of it.
pub(crate) fn detail(
    actor: &Actor,
    row: ActivityRow,
    roles: Vec<ActivityRole>,
    mine: Option<Signup>,
    roster: Vec<Signup>,
    now: DateTime<Utc>,
) -> ActivityDetail {
    let open = row.status == ActivityStatus::Published;
    let organises = policy::may_organise(actor, &row).is_ok();
    let may_cancel = mine.as_ref().is_some_and(|m| {
        m.checked_in_at.is_none()
            && (m.state == SignupState::Waiting
                || (m.state.holds_place()
                    && rules::may_cancel(row.starts_at, row.cancel_before_minutes, now)))
    });
    ActivityDetail {
        may_sign_up: policy::signs_up(actor) && open && row.starts_at > now,
        may_cancel,
        may_organise: organises,
        may_confirm: organises && open && now >= row.ends_at,
        may_call_off: organises && open && now < row.ends_at,
        activity: row.into(),
        roles,
        mine,
        roster,
    }
}

/// The roster with each waiting sign-up's place in its role's line.
fn with_lines(rows: Vec<SignupRow>, now: DateTime<Utc>) -> Vec<Signup> {
    let mut line = std::collections::HashMap::<i64, i64>::new();
    rows.into_iter()
        .map(|r| {
            let mut s = Signup::of(r, now);
            if s.state == SignupState::Waiting {
                let n = line.entry(s.role_id).or_default();
                *n += 1;
                s.line = Some(*n);
            }
            s
        })
        .collect()
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "activity"))]
pub async fn show(db: &Db, actor: &Actor, id: i64) -> Result<ActivityDetail, OpsError> {
    let mut tx = db.read().await?;
    detail_of(&mut tx, actor, id).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListActivities {
    /// An org code within the actor's scope; the whole scope by default.
    pub within: Option<String>,
    /// The `next` of the page before.
    pub after: Option<String>,
    /// Rows a page, 50 unless asked (1–500).
    pub limit: Option<i64>,
}

/// The activities of a scope, latest start first (for those who read its records).
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "list_activities"))]
pub async fn list(db: &Db, actor: &Actor, q: ListActivities) -> Result<Page<Activity>, OpsError> {
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let after = jiceng_domain::keyset::read(opt(&q.after))?;
    let mut tx = db.read().await?;
    let scope = crate::orgs::list_scope(&mut tx, actor, &q.within).await?;
    let rows = store::within(&mut tx, &scope, after, limit + 1).await?;
    Ok(Page::keyset(
        rows,
        limit,
        |r| (r.starts_at, r.id),
        Into::into,
    ))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListUpcoming {
    /// The `next` of the page before.
    pub after: Option<String>,
    /// Rows a page, 20 unless asked (1–100).
    pub limit: Option<i64>,
}

/// The published activities to come in the district a member or resident belongs in,
/// soonest first.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "upcoming_activities"))]
pub async fn upcoming(db: &Db, actor: &Actor, q: ListUpcoming) -> Result<Page<Activity>, OpsError> {
    if !policy::signs_up(actor) {
        return Err(OpsError::Forbidden(msg!("仅党员和居民可报名志愿活动")));
    }
    let limit = q.limit.unwrap_or(20).clamp(1, 100);
    let after = jiceng_domain::keyset::read(opt(&q.after))?;
    let mut tx = db.read().await?;
    let Some(district) = policy::home_district(&mut tx, actor).await? else {
        return Ok(Page::whole(Vec::<Activity>::new()));
    };
    let rows = store::upcoming(&mut tx, district, clock::now(), after, limit + 1).await?;
    Ok(Page::keyset(
        rows,
        limit,
        |r| (r.starts_at, r.id),
        Into::into,
    ))
}

/// The actor's own latest sign-ups (a hundred), newest first.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "my_signups"))]
pub async fn mine(db: &Db, actor: &Actor) -> Result<Vec<Signup>, OpsError> {
    let mut tx = db.read().await?;
    let Some(v) = crate::volunteers::own(&mut tx, actor).await? else {
        return Ok(Vec::new());
    };
    let now = clock::now();
    Ok(store::of_volunteer(&mut tx, v.id, 100)
        .await?
        .into_iter()
        .map(|s| Signup::of(s, now))
        .collect())
}
