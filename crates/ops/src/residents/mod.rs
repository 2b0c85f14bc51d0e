//! 群众 (residents) as users: a resident signs in on a phone with a one-time code
//! (`sign_in.rs`, codes sent by `sender.rs`), names their community and building, and waits
//! for the community's writers to confirm them ([`review`]). Until then they see their own
//! page only; what they post goes no further.

pub mod policy;
pub mod sender;
mod sign_in;

pub use sender::{CodeSender, HttpSender};
pub use sign_in::{CodeSent, ResidentSession, SignInInput, send_code, sign_in};

use crate::input::{opt, required};
use crate::{Actor, OpsError, Page};
use chrono::{DateTime, Utc};
use jiceng_domain::grids::PlaceKind;
use jiceng_domain::residents::{self, ResidentStatus, Review};
use jiceng_domain::{OrgLevel, msg, text};
use jiceng_store::residents::{self as store, ResidentRow};
use jiceng_store::{Db, audit, places};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ResidentView {
    pub id: i64,
    pub name: String,
    /// Masked (138****8000) unless the resident themself, or a role that handles personal
    /// data asking to reveal it.
    pub phone: String,
    pub community_org_id: i64,
    pub community_name: String,
    #[serde(skip)]
    pub community_path: String,
    pub place_id: Option<i64>,
    /// The building they live in, as the community mapped it.
    pub place_name: Option<String>,
    pub grid_name: Option<String>,
    pub status: ResidentStatus,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    /// Why the community did not confirm them.
    pub refusal: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The asking actor may confirm or refuse them now.
    pub may_review: bool,
}

impl From<ResidentRow> for ResidentView {
    fn from(r: ResidentRow) -> Self {
        ResidentView {
            id: r.id,
            name: r.name,
            phone: r.phone,
            community_org_id: r.community_org_id,
            community_name: r.community_name,
            community_path: r.community_path,
            place_id: r.place_id,
            place_name: r.place_name,
            grid_name: r.grid_name,
            status: r.status,
            reviewed_by: r.reviewed_by,
            reviewed_at: r.reviewed_at,
            refusal: r.refusal,
            created_at: r.created_at,
            may_review: false,
        }
    }
}

/// The acting resident's own record; refused for anyone else.
pub(crate) async fn own(tx: &mut jiceng_store::Tx, actor: &Actor) -> Result<ResidentRow, OpsError> {
    let refused = || OpsError::Forbidden(msg!("仅居民本人可查看"));
    match actor {
        Actor::User(u) if u.role == jiceng_domain::Role::Resident => {
            store::by_user(tx, u.id).await?.ok_or_else(refused)
        }
        _ => Err(refused()),
    }
}

/// The signed-in resident's own record.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "resident_me"))]
pub async fn me(db: &Db, actor: &Actor) -> Result<ResidentView, OpsError> {
    let mut tx = db.read().await?;
    let row = own(&mut tx, actor).await?;
    Ok(policy::shown(actor, row, false))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListResidents {
    /// An org code within the actor's scope; the whole scope by default.
    pub within: Option<String>,
    /// pending (the default: those waiting for confirmation), confirmed or refused.
    pub status: Option<String>,
    /// The `next` of the page before.
    pub after: Option<String>,
    /// Rows a page, 50 unless asked (1–500).
    pub limit: Option<i64>,
}

/// Residents of a scope in one status, newest first; phones masked.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "residents"))]
pub async fn list(
    db: &Db,
    actor: &Actor,
    q: ListResidents,
) -> Result<Page<ResidentView>, OpsError> {
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let status = opt(&q.status)
        .map(ResidentStatus::parse)
        .transpose()?
        .unwrap_or(ResidentStatus::Pending);
    let after = crate::input::after_id(&q.after)?;
    let mut tx = db.read().await?;
    let scope = crate::orgs::list_scope(&mut tx, actor, &q.within).await?;
    let rows = store::within(&mut tx, &scope, status, after, limit + 1).await?;
    Ok(Page::after_last(
        rows,
        limit,
        |r| r.id.to_string(),
        |r| policy::shown(actor, r, false),
    ))
}

/// One resident; `reveal` shows the whole phone to a role that handles personal data, and
/// the look is audited.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "resident"))]
pub async fn get(db: &Db, actor: &Actor, id: i64, reveal: bool) -> Result<ResidentView, OpsError> {
    if !reveal {
        let mut tx = db.read().await?;
        let row = policy::resolve(&mut tx, actor, id).await?;
        return Ok(policy::shown(actor, row, false));
    }
    let mut tx = db.write().await?;
    let row = policy::resolve(&mut tx, actor, id).await?;
    if !actor.may_reveal() {
        return Err(OpsError::Forbidden(msg!("无权查看完整手机号")));
    }
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "resident.reveal",
            target: &format!("resident:{id}"),
            path: Some(&row.community_path),
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(policy::shown(actor, row, true))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ReviewInput {
    /// confirm or refuse.
    pub decision: Option<String>,
    /// Why not, when refusing (told to the resident).
    pub reason: Option<String>,
}

/// A community writer confirms a pending resident, or refuses them with a reason.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "review_resident"))]
pub async fn review(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: ReviewInput,
) -> Result<ResidentView, OpsError> {
    let decision = Review::parse(required("decision", &input.decision)?)?;
    let reason = match decision {
        Review::Refuse => Some(text::long(
            "reason",
            required("reason", &input.reason)?,
            200,
        )?),
        Review::Confirm => None,
    };
    let mut tx = db.write().await?;
    let row = policy::resolve(&mut tx, actor, id).await?;
    let before = policy::shown(actor, row.clone(), false);
    policy::may_review(actor, &before)?;
    let to = residents::reviewed(row.status, decision)?;
    let n = store::set_status(
        &mut tx,
        id,
        row.status,
        to,
        &actor.audit_name(),
        reason.as_deref(),
    )
    .await?;
    if n == 0 {
        return Err(OpsError::conflict(
            "decision",
            decision.code(),
            msg!("该居民已由他人审核，请刷新"),
        ));
    }
    let after = store::by_id(&mut tx, id).await?.expect("still there");
    let after = policy::shown(actor, after, false);
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: &format!("resident.{}", decision.code()),
            target: &format!("resident:{id}"),
            path: Some(&row.community_path),
            before: serde_json::to_string(&before).ok(),
            after: serde_json::to_string(&after).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Building {
    pub id: i64,
    pub name: String,
    pub grid_name: String,
}

/// Most buildings one community offers to choose from.
pub(crate) const BUILDINGS: i64 = 2000;

/// The buildings a community has mapped, for a resident choosing where they live (before they
/// have an account: building names are what a visitor reads on the gate).
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "community_buildings"))]
pub async fn buildings(db: &Db, community: &str) -> Result<Vec<Building>, OpsError> {
    let mut tx = db.read().await?;
    let org = crate::orgs::anywhere(&mut tx, "community", community).await?;
    if org.level != OrgLevel::Community {
        return Err(jiceng_domain::Invalid::new("community", community, msg!("应为社区")).into());
    }
    Ok(places::within(&mut tx, &org.path, BUILDINGS)
        .await?
        .into_iter()
        .filter(|p| p.kind == PlaceKind::Building)
        .map(|p| Building {
            id: p.id,
            grid_name: p.grid_name,
            name: p.name,
        })
        .collect())
}
