//! 志愿服务队: a community's (or a unit's in it) team of a type, with a leader and members.
//! Types are data; the city's administrators add them.

use super::{Volunteer, policy};
use crate::input::required;
use crate::{Actor, OpsError, Page};
use jiceng_domain::{Invalid, OrgCategory, OrgLevel, clock, msg, text};
use jiceng_store::volunteers::{self as store, NewTeam, TeamRow};
use jiceng_store::{Db, audit};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Team {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub kind_name: String,
    pub community_org_id: i64,
    pub community_code: String,
    pub community_name: String,
    #[serde(skip)]
    pub org_path: String,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub leader_id: Option<i64>,
    pub leader_name: Option<String>,
    pub members: i64,
    /// Whether the actor may keep it (members, leader, activities).
    pub may_keep: bool,
}

impl Team {
    pub(crate) fn of(r: TeamRow, actor: &Actor) -> Team {
        Team {
            may_keep: policy::may_keep_team(actor, &r.org_path).is_ok(),
            id: r.id,
            name: r.name,
            kind: r.kind,
            kind_name: r.kind_name,
            community_org_id: r.community_org_id,
            community_code: r.community_code,
            community_name: r.community_name,
            org_path: r.org_path,
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            leader_id: r.leader_id,
            leader_name: r.leader_name,
            members: r.members,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewTeamInput {
    pub name: Option<String>,
    /// A team type's code (`GET /api/v1/team-kinds`).
    pub kind: Option<String>,
    /// The community's org code.
    pub community: Option<String>,
    /// A stationed unit whose team it is, if any.
    pub unit_id: Option<i64>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "found_team"))]
pub async fn found(db: &Db, actor: &Actor, new: NewTeamInput) -> Result<Team, OpsError> {
    let name = text::name("name", required("name", &new.name)?, 40)?;
    let kind = required("team_kind", &new.kind)?.to_string();
    let code = required("community", &new.community)?.to_string();
    let mut tx = db.write().await?;
    let kinds = store::kinds(&mut tx).await?;
    if !kinds.iter().any(|(c, _)| *c == kind) {
        let names: Vec<String> = kinds
            .into_iter()
            .map(|(c, n)| format!("{c}（{n}）"))
            .collect();
        return Err(Invalid::new(
            "team_kind",
            &kind,
            msg!("应为以下之一：{options}", options = names.join("、")),
        )
        .into());
    }
    let community = crate::orgs::by_code(&mut tx, actor, "community", &code).await?;
    if community.level != OrgLevel::Community || community.category != OrgCategory::Regional {
        return Err(crate::orgs::not_a_community(actor, &community));
    }
    policy::may_keep_team(actor, &community.path)?;
    if let Some(unit) = new.unit_id {
        crate::units::policy::named(&mut tx, actor, "unit_id", unit).await?;
    }
    let id = store::insert_team(
        &mut tx,
        &NewTeam {
            name: &name,
            kind: &kind,
            community_org_id: community.id,
            org_path: &community.path,
            unit_id: new.unit_id,
            by: &actor.audit_name(),
        },
    )
    .await?;
    let team = policy::team(&mut tx, actor, id).await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "team.found",
            target: &format!("team:{id}"),
            path: Some(&community.path),
            before: None,
            after: serde_json::to_string(&team).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(team)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TeamMemberInput {
    pub volunteer_id: Option<i64>,
    /// Makes them the team's leader.
    #[serde(default)]
    pub leader: bool,
}

/// Adds a volunteer of the team's community to it (optionally as its leader).
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "join_team"))]
pub async fn join(
    db: &Db,
    actor: &Actor,
    team: i64,
    input: TeamMemberInput,
) -> Result<Team, OpsError> {
    let vid = input
        .volunteer_id
        .ok_or_else(|| Invalid::new("volunteer_id", "", msg!("必填")))?;
    let mut tx = db.write().await?;
    let t = policy::team(&mut tx, actor, team).await?;
    policy::may_keep_team(actor, &t.org_path)?;
    let v = policy::resolve(&mut tx, actor, vid)
        .await
        .map_err(|_| Invalid::new("volunteer_id", vid, msg!("没有这个志愿者")))?;
    // A team is its community's volunteers: one of elsewhere answers as no such volunteer.
    if v.community_org_id != t.community_org_id || actor.may_read(&v.org_path).is_err() {
        return Err(Invalid::new("volunteer_id", vid, msg!("没有这个志愿者")).into());
    }
    let joined = store::join(&mut tx, team, vid, clock::today()).await?;
    if input.leader {
        store::set_leader(&mut tx, team, Some(vid)).await?;
    }
    if !joined && !input.leader {
        return Err(Invalid::new("volunteer_id", vid, msg!("已是本队队员")).into());
    }
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: if input.leader {
                "team.leader"
            } else {
                "team.join"
            },
            target: &format!("team:{team}"),
            path: Some(&t.org_path),
            before: None,
            after: Some(format!("volunteer:{vid}")),
        },
    )
    .await?;
    let t = policy::team(&mut tx, actor, team).await?;
    tx.commit().await?;
    Ok(t)
}

/// Takes a volunteer off the team.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "leave_team"))]
pub async fn leave(db: &Db, actor: &Actor, team: i64, volunteer: i64) -> Result<Team, OpsError> {
    let mut tx = db.write().await?;
    let t = policy::team(&mut tx, actor, team).await?;
    policy::may_keep_team(actor, &t.org_path)?;
    if !store::leave(&mut tx, team, volunteer).await? {
        return Err(OpsError::not_found("队员", volunteer));
    }
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "team.leave",
            target: &format!("team:{team}"),
            path: Some(&t.org_path),
            before: Some(format!("volunteer:{volunteer}")),
            after: None,
        },
    )
    .await?;
    let t = policy::team(&mut tx, actor, team).await?;
    tx.commit().await?;
    Ok(t)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListTeams {
    /// An org code within the actor's scope; the whole scope by default.
    pub within: Option<String>,
    /// The `next` of the page before.
    pub after: Option<String>,
    /// Rows a page, 50 unless asked (1–500).
    pub limit: Option<i64>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "list_teams"))]
pub async fn list(db: &Db, actor: &Actor, q: ListTeams) -> Result<Page<Team>, OpsError> {
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let after = crate::input::path_cursor(&q.after)?;
    let mut tx = db.read().await?;
    let path = crate::orgs::within_path(&mut tx, actor, &q.within).await?;
    crate::input::cursor_within(&after, &path)?;
    let rows = store::teams_within(&mut tx, &path, after, limit + 1).await?;
    Ok(Page::after_last(
        rows,
        limit,
        |r| format!("{}~{}", r.org_path, r.id),
        |r| Team::of(r, actor),
    ))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TeamDetail {
    pub team: Team,
    pub members: Vec<Volunteer>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "team"))]
pub async fn show(db: &Db, actor: &Actor, id: i64) -> Result<TeamDetail, OpsError> {
    let mut tx = db.read().await?;
    let team = policy::team(&mut tx, actor, id).await?;
    let members = store::members_of(&mut tx, id)
        .await?
        .into_iter()
        .map(|v| Volunteer::of(v, actor))
        .collect();
    Ok(TeamDetail { team, members })
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TeamKind {
    pub code: String,
    pub name: String,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "team_kinds"))]
pub async fn kinds(db: &Db) -> Result<Vec<TeamKind>, OpsError> {
    let mut tx = db.read().await?;
    Ok(store::kinds(&mut tx)
        .await?
        .into_iter()
        .map(|(code, name)| TeamKind { code, name })
        .collect())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TeamKindInput {
    /// Latin letters, digits and `_`, up to 20.
    pub code: Option<String>,
    pub name: Option<String>,
}

/// Adds a team type (or renames one).
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "set_team_kind"))]
pub async fn set_kind(
    db: &Db,
    actor: &Actor,
    input: TeamKindInput,
) -> Result<Vec<TeamKind>, OpsError> {
    policy::may_add_kind(actor)?;
    let code = required("team_kind", &input.code)?;
    if code.len() > 20
        || !code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(Invalid::new(
            "team_kind",
            code,
            msg!("应为不超过 20 位的小写字母、数字或下划线"),
        )
        .into());
    }
    let name = text::name("name", required("name", &input.name)?, 20)?;
    let mut tx = db.write().await?;
    store::set_kind(&mut tx, code, &name).await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "team.kind",
            target: &format!("team_kind:{code}"),
            path: None,
            before: None,
            after: Some(name.clone()),
        },
    )
    .await?;
    tx.commit().await?;
    kinds(db).await
}
