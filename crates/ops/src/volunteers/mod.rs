//! 志愿者: party members and residents register as volunteers — what they can do, when, and
//! the community they serve in; the volunteers grid teams listed were carried over as such.
//! Teams are in `teams.rs`, the certificate of service in `certificate.rs`.

pub mod certificate;
pub mod policy;
pub mod teams;

pub use teams::Team;

use crate::input::opt;
use crate::{Actor, OpsError, Page};
use jiceng_domain::{Invalid, Role, msg, text};
use jiceng_store::volunteers::{self as store, NewVolunteer, VolunteerRow};
use jiceng_store::{Db, Tx, audit};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Volunteer {
    pub id: i64,
    pub member_id: Option<i64>,
    /// Whether the volunteer signed up as a resident.
    pub resident: bool,
    #[serde(skip)]
    pub resident_id: Option<i64>,
    pub name: String,
    /// Masked unless it is the actor's own record.
    pub phone: Option<String>,
    pub community_org_id: i64,
    pub community_name: String,
    #[serde(skip)]
    pub org_path: String,
    pub skills: Option<String>,
    pub availability: Option<String>,
    pub registered_on: chrono::NaiveDate,
}

impl Volunteer {
    pub(crate) fn of(r: VolunteerRow, actor: &Actor) -> Volunteer {
        let own = r.member_id.is_some() && r.member_id == actor.member_id();
        Volunteer {
            id: r.id,
            member_id: r.member_id,
            resident: r.resident_id.is_some(),
            resident_id: r.resident_id,
            name: r.name,
            phone: r.phone.map(|p| {
                if own {
                    p
                } else {
                    jiceng_domain::phone::mask(&p)
                }
            }),
            community_org_id: r.community_org_id,
            community_name: r.community_name,
            org_path: r.org_path,
            skills: r.skills,
            availability: r.availability,
            registered_on: jiceng_domain::clock::local(r.created_at).date(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct VolunteerInput {
    /// What they can do: 理发, 法律咨询, 陪诊 ….
    pub skills: Option<String>,
    /// When they can serve: 周末上午, 工作日晚上 ….
    pub availability: Option<String>,
}

/// The acting member's or resident's volunteer record, if they registered.
pub(crate) async fn own(tx: &mut Tx, actor: &Actor) -> Result<Option<VolunteerRow>, OpsError> {
    match (actor.role(), actor.member_id()) {
        (Some(Role::Resident), _) => {
            let me = crate::residents::own(tx, actor).await?;
            Ok(store::of_resident(tx, me.id).await?)
        }
        (_, Some(m)) => Ok(store::of_member(tx, m).await?),
        _ => Err(OpsError::Forbidden(msg!("仅党员和居民可登记为志愿者"))),
    }
}

/// The actor's volunteer record, registering them (in the community they belong to) when
/// they have none yet: signing up for an activity makes one a volunteer.
pub(crate) async fn own_or_new(
    tx: &mut Tx,
    actor: &Actor,
    input: &VolunteerInput,
) -> Result<VolunteerRow, OpsError> {
    if let Some(v) = own(tx, actor).await? {
        return Ok(v);
    }
    if actor.read_only() {
        return Err(OpsError::Forbidden(msg!("只读令牌不能修改数据")));
    }
    let skills = long("skills", &input.skills)?;
    let availability = long("availability", &input.availability)?;
    let n = newcomer(tx, actor).await?;
    let by = actor.audit_name();
    let id = store::insert(
        tx,
        &n.new_row(skills.as_deref(), availability.as_deref(), &by),
    )
    .await?;
    let row = store::by_id(tx, id).await?.expect("just written");
    audit::append(tx, n.registered(&row, actor, &by).entry()).await?;
    Ok(row)
}

/// Whom registering the actor as a volunteer writes: their name, phone and community.
#[derive(Debug, Clone)]
pub(crate) struct Newcomer {
    pub member_id: Option<i64>,
    pub resident_id: Option<i64>,
    pub name: String,
    pub phone: Option<String>,
    pub community_org_id: i64,
    pub community_name: String,
    pub org_path: String,
}

/// The actor as a newcomer: a confirmed resident, or a member of a branch under a community.
pub(crate) async fn newcomer(tx: &mut Tx, actor: &Actor) -> Result<Newcomer, OpsError> {
    match actor.role() {
        Some(Role::Resident) => {
            let me = crate::residents::own(tx, actor).await?;
            if me.status != jiceng_domain::residents::ResidentStatus::Confirmed {
                return Err(OpsError::Forbidden(msg!(
                    "社区确认您的身份后才能登记为志愿者"
                )));
            }
            Ok(Newcomer {
                member_id: None,
                resident_id: Some(me.id),
                name: me.name,
                phone: Some(me.phone),
                community_org_id: me.community_org_id,
                community_name: me.community_name,
                org_path: me.community_path,
            })
        }
        _ => {
            let id = actor
                .member_id()
                .ok_or_else(|| OpsError::Forbidden(msg!("仅党员和居民可登记为志愿者")))?;
            let m = jiceng_store::members::by_id(tx, id)
                .await?
                .ok_or_else(|| OpsError::internal("the actor's member is gone"))?;
            let (_, _, community) = jiceng_store::orgs::levels_of(tx, m.org_id).await?;
            let community = community.ok_or_else(|| {
                OpsError::Forbidden(msg!("您所在的党组织不属于任何社区，请到社区登记为志愿者"))
            })?;
            let org = jiceng_store::orgs::by_id(tx, community)
                .await?
                .ok_or_else(|| OpsError::internal("a community is gone"))?;
            Ok(Newcomer {
                member_id: Some(m.id),
                resident_id: None,
                name: m.name,
                phone: m.phone,
                community_org_id: org.id,
                community_name: org.name,
                org_path: org.path,
            })
        }
    }
}

impl Newcomer {
    pub(crate) fn new_row<'a>(
        &'a self,
        skills: Option<&'a str>,
        availability: Option<&'a str>,
        by: &'a str,
    ) -> NewVolunteer<'a> {
        NewVolunteer {
            member_id: self.member_id,
            resident_id: self.resident_id,
            name: &self.name,
            phone: self.phone.as_deref(),
            community_org_id: self.community_org_id,
            org_path: &self.org_path,
            skills,
            availability,
            by,
        }
    }

    /// The row written for them at `id` (no skills or availability yet) at `at`.
    pub(crate) fn row(&self, id: i64, at: chrono::DateTime<chrono::Utc>) -> VolunteerRow {
        VolunteerRow {
            id,
            member_id: self.member_id,
            resident_id: self.resident_id,
            name: self.name.clone(),
            phone: self.phone.clone(),
            community_org_id: self.community_org_id,
            community_name: self.community_name.clone(),
            org_path: self.org_path.clone(),
            skills: None,
            availability: None,
            created_at: at,
        }
    }

    /// The audit entry of their registration as `row`, by `by`.
    pub(crate) fn registered(&self, row: &VolunteerRow, actor: &Actor, by: &str) -> Registered {
        Registered {
            actor: by.to_string(),
            target: format!("volunteer:{}", row.id),
            path: self.org_path.clone(),
            after: serde_json::to_string(&Volunteer::of(row.clone(), actor)).ok(),
        }
    }
}

/// A registration's audit entry, owned until appended.
pub(crate) struct Registered {
    actor: String,
    target: String,
    path: String,
    after: Option<String>,
}

impl Registered {
    pub(crate) fn entry(&self) -> audit::Entry<'_> {
        audit::Entry {
            actor: &self.actor,
            operation: "volunteer.register",
            target: &self.target,
            path: Some(&self.path),
            before: None,
            after: self.after.clone(),
        }
    }
}

/// A grid team's volunteer is a volunteer: the member's record if they have one, else a new
/// one in the grid's community; the grid team's entry names it.
pub(crate) async fn from_grid_team(
    tx: &mut Tx,
    actor: &Actor,
    entry: i64,
    name: &str,
    phone: Option<&str>,
    member: Option<i64>,
    community: &jiceng_store::orgs::OrgRow,
) -> Result<i64, OpsError> {
    let known = match member {
        Some(m) => store::of_member(tx, m).await?.map(|v| v.id),
        None => None,
    };
    let id = match known {
        Some(id) => id,
        None => {
            store::insert(
                tx,
                &NewVolunteer {
                    member_id: member,
                    resident_id: None,
                    name,
                    phone,
                    community_org_id: community.id,
                    org_path: &community.path,
                    skills: None,
                    availability: None,
                    by: &actor.audit_name(),
                },
            )
            .await?
        }
    };
    store::link_grid_team(tx, entry, id).await?;
    Ok(id)
}

fn long(field: &'static str, v: &Option<String>) -> Result<Option<String>, Invalid> {
    opt(v).map(|s| text::name(field, s, 100)).transpose()
}

/// Registers the acting member or resident as a volunteer, or changes what they offer.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "register_volunteer"))]
pub async fn register_me(
    db: &Db,
    actor: &Actor,
    input: VolunteerInput,
) -> Result<Volunteer, OpsError> {
    if actor.read_only() {
        return Err(OpsError::Forbidden(msg!("只读令牌不能修改数据")));
    }
    let skills = long("skills", &input.skills)?;
    let availability = long("availability", &input.availability)?;
    let mut tx = db.write().await?;
    let row = own_or_new(&mut tx, actor, &input).await?;
    if row.skills != skills || row.availability != availability {
        store::set_offer(&mut tx, row.id, skills.as_deref(), availability.as_deref()).await?;
        audit::append(
            &mut tx,
            audit::Entry {
                actor: &actor.audit_name(),
                operation: "volunteer.offer",
                target: &format!("volunteer:{}", row.id),
                path: Some(&row.org_path),
                before: Some(format!("{:?} / {:?}", row.skills, row.availability)),
                after: Some(format!("{skills:?} / {availability:?}")),
            },
        )
        .await?;
    }
    let row = store::by_id(&mut tx, row.id).await?.expect("just written");
    tx.commit().await?;
    Ok(Volunteer::of(row, actor))
}

/// The acting member's or resident's volunteer record, if any.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "volunteer_me"))]
pub async fn me(db: &Db, actor: &Actor) -> Result<Option<Volunteer>, OpsError> {
    let mut tx = db.read().await?;
    Ok(own(&mut tx, actor).await?.map(|r| Volunteer::of(r, actor)))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListVolunteers {
    /// An org code within the actor's scope; the whole scope by default.
    pub within: Option<String>,
    /// The start of a name.
    pub q: Option<String>,
    /// The `next` of the page before.
    pub after: Option<String>,
    /// Rows a page, 50 unless asked (1–500).
    pub limit: Option<i64>,
}

/// The volunteers of a scope, by community.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "list_volunteers"))]
pub async fn list(db: &Db, actor: &Actor, q: ListVolunteers) -> Result<Page<Volunteer>, OpsError> {
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let after = crate::input::path_cursor(&q.after)?;
    let name = opt(&q.q).map(|s| text::name("q", s, 30)).transpose()?;
    let mut tx = db.read().await?;
    let path = crate::orgs::within_path(&mut tx, actor, &q.within).await?;
    crate::input::cursor_within(&after, &path)?;
    let rows = store::within(&mut tx, &path, name.as_deref(), after, limit + 1).await?;
    Ok(Page::after_last(
        rows,
        limit,
        |r| format!("{}~{}", r.org_path, r.id),
        |r| Volunteer::of(r, actor),
    ))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VolunteerDetail {
    pub volunteer: Volunteer,
    pub teams: Vec<Team>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "volunteer"))]
pub async fn show(db: &Db, actor: &Actor, id: i64) -> Result<VolunteerDetail, OpsError> {
    let mut tx = db.read().await?;
    let volunteer = policy::resolve(&mut tx, actor, id).await?;
    // Teams elsewhere are shown to the volunteer alone.
    let own = policy::is_own(actor, volunteer.member_id, volunteer.resident_id, &mut tx).await?;
    let teams = store::teams_of(&mut tx, id)
        .await?
        .into_iter()
        .filter(|t| own || actor.may_read(&t.org_path).is_ok())
        .map(|t| Team::of(t, actor))
        .collect();
    Ok(VolunteerDetail { volunteer, teams })
}
