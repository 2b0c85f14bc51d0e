//! 微心愿: a community's writers post a resident's wish, or a confirmed resident posts their
//! own, which waits for the community's review before members see it; a party member claims
//! it (a member for themself, the community's writers for any member); the community confirms
//! it fulfilled, which counts towards the member's points, and the resident who posted it
//! rates it; a claim can be given up and an open wish withdrawn. [`apply`] checks each move
//! against the domain's rules, hands it to its own rule (`review.rs`: approve and refuse;
//! `claim.rs`: claim and release; `confirm.rs`: fulfil and withdraw), and saves and audits it.

mod claim;
mod confirm;
pub mod policy;
mod rate;
mod review;

pub use rate::rate;

use crate::input::{opt, required};
use crate::orgs::by_code;
use crate::{Actor, OpsError, Page};
use jiceng_domain::clock;
use jiceng_domain::residents::ResidentStatus;
use jiceng_domain::wishes::{self, WishMove, WishStatus};
use jiceng_domain::{Invalid, OrgCategory, OrgLevel, Role, msg, text};
use jiceng_store::wishes::{self as store, NewWish};
use jiceng_store::{Db, audit};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewWishInput {
    /// The community's org code (a resident posts to their own and names none).
    pub community: Option<String>,
    pub title: Option<String>,
    pub detail: Option<String>,
    /// Who made the wish, as the community records it.
    pub resident: Option<String>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "post"))]
pub async fn post(db: &Db, actor: &Actor, new: NewWishInput) -> Result<Wish, OpsError> {
    let title = text::name("title", required("title", &new.title)?, 60)?;
    let detail = opt(&new.detail)
        .map(|d| text::long("description", d, 500))
        .transpose()?;
    let resident = opt(&new.resident)
        .map(|r| text::name("resident", r, 30))
        .transpose()?;
    let mut tx = db.write().await?;
    let (community, resident, resident_id, status) = if actor.role() == Some(Role::Resident) {
        let me = crate::residents::own(&mut tx, actor).await?;
        if me.status != ResidentStatus::Confirmed {
            return Err(OpsError::Forbidden(msg!("社区确认您的身份后才能发布心愿")));
        }
        if actor.read_only() {
            return Err(OpsError::Forbidden(msg!("只读令牌不能发布心愿")));
        }
        let community = jiceng_store::orgs::by_id(&mut tx, me.community_org_id)
            .await?
            .ok_or_else(|| OpsError::internal("a resident's community is gone"))?;
        (community, Some(me.name), Some(me.id), WishStatus::Pending)
    } else {
        let code = required("community", &new.community)?.to_string();
        let community = by_code(&mut tx, actor, "community", &code).await?;
        if community.level != OrgLevel::Community || community.category != OrgCategory::Regional {
            return Err(Invalid::new("community", &code, msg!("应为社区党组织的代码")).into());
        }
        actor.may_write(&community.path)?;
        (community, resident, None, WishStatus::Open)
    };
    let id = store::insert(
        &mut tx,
        &NewWish {
            community_org_id: community.id,
            community_path: &community.path,
            title: &title,
            detail: detail.as_deref(),
            resident: resident.as_deref(),
            resident_id,
            status,
            posted_on: clock::today(),
            by: &actor.audit_name(),
        },
    )
    .await?;
    let row = Wish::from(store::by_id(&mut tx, id).await?.expect("just written"));
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "wish.post",
            target: &format!("wish:{id}"),
            path: Some(&community.path),
            before: None,
            after: serde_json::to_string(&row).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(policy::shown(actor, row))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct WishMoveInput {
    /// approve, refuse, claim, release, fulfil or withdraw.
    #[serde(rename = "move")]
    pub action: Option<String>,
    /// refuse: why, told to the resident who posted it.
    pub reason: Option<String>,
    /// Who claims; the acting member by default.
    pub member_id: Option<i64>,
    /// The day it was fulfilled; today by default.
    pub on: Option<String>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "apply"))]
pub async fn apply(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: WishMoveInput,
) -> Result<Wish, OpsError> {
    let m = WishMove::parse(required("move", &input.action)?)?;
    let today = clock::today();
    let mut tx = db.write().await?;
    let before = policy::resolve(&mut tx, actor, id).await?;
    let from = before.status;
    let to = wishes::next(from, m)?;
    let path = before.community_path.clone();
    // Each move's rule: who may make it, and the claim and fulfilment it leaves.
    let mut refusal = None;
    let (member, claimed, fulfilled) = match m {
        WishMove::Approve => review::approve(actor, &before)?,
        WishMove::Refuse => {
            refusal = Some(review::refuse(actor, &before, &input.reason)?);
            (None, None, None)
        }
        WishMove::Claim => claim::claim(&mut tx, actor, &before, input.member_id, today).await?,
        WishMove::Release => claim::release(actor, &before)?,
        WishMove::Fulfil => confirm::fulfil(actor, &before, opt(&input.on), today)?,
        WishMove::Withdraw => confirm::withdraw(actor, &before)?,
    };
    let n = store::set_state(
        &mut tx,
        id,
        from.code(),
        to.code(),
        member,
        claimed,
        fulfilled,
    )
    .await?;
    if n == 0 {
        return Err(OpsError::conflict(
            "wish",
            id,
            msg!("心愿已被他人处理，请刷新"),
        ));
    }
    if let Some(reason) = &refusal {
        store::set_refusal(&mut tx, id, reason).await?;
    }
    let row = store::by_id(&mut tx, id).await?.expect("still there");
    // A fulfilled wish counts for the member who claimed it, on the day it was fulfilled.
    let counted = [
        (before.status, before.member_id, before.fulfilled_on),
        (row.status, row.member_id, row.fulfilled_on),
    ];
    for (status, member, on) in counted {
        if status == WishStatus::Fulfilled
            && let (Some(m), Some(on)) = (member, on)
        {
            crate::points::kept::members(&mut tx, &[m], Some(on)).await?;
        }
    }
    let after = Wish::from(row);
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: &format!("wish.{}", m.code()),
            target: &format!("wish:{id}"),
            path: Some(&path),
            before: serde_json::to_string(&before).ok(),
            after: serde_json::to_string(&after).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(policy::shown(actor, after))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListWishes {
    pub within: Option<String>,
    pub status: Option<String>,
    /// The `next` of the page before.
    pub after: Option<String>,
    /// Rows a page, 50 unless asked (1–500).
    pub limit: Option<i64>,
}

/// Wishes in a scope, newest first. A party member without a scope to read sees the open
/// wishes of the community they live in and those they are registered with, and the wishes
/// they claimed; a resident sees their own.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "list"))]
pub async fn list(db: &Db, actor: &Actor, q: ListWishes) -> Result<Page<Wish>, OpsError> {
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let after = jiceng_domain::keyset::read_date(opt(&q.after))?;
    let status = opt(&q.status)
        .map(|s| WishStatus::parse(s).map(|s| s.code()))
        .transpose()?;
    let mut tx = db.read().await?;
    if actor.role() == Some(Role::Resident) {
        let me = crate::residents::own(&mut tx, actor).await?;
        let rows = store::of_resident(&mut tx, me.id, status, after, limit + 1).await?;
        return Ok(Page::keyset(
            rows,
            limit,
            |w| (jiceng_domain::keyset::midnight(w.posted_on), w.id),
            |w| policy::shown(actor, w.into()),
        ));
    }
    if let (Some(me), Err(_)) = (actor.member_id(), actor.may_read(actor.scope_path())) {
        let mut rows = store::claimed_by(&mut tx, me, 100).await?;
        for (community, _) in policy::member_communities(&mut tx, me).await? {
            let scope = jiceng_store::keyset::Scope::Community(community);
            rows.extend(store::within(&mut tx, &scope, Some("open"), None, 100).await?);
        }
        rows.retain(|w| status.is_none_or(|s| w.status.code() == s));
        let rows: Vec<Wish> = rows
            .into_iter()
            .map(|w| policy::shown(actor, w.into()))
            .collect();
        return Ok(Page::whole(rows));
    }
    let scope = crate::orgs::list_scope(&mut tx, actor, &q.within).await?;
    let rows = store::within(&mut tx, &scope, status, after, limit + 1).await?;
    Ok(Page::keyset(
        rows,
        limit,
        |w| (jiceng_domain::keyset::midnight(w.posted_on), w.id),
        Into::into,
    ))
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Wish {
    pub id: i64,
    pub community_org_id: i64,
    pub community_name: String,
    /// The community's path, which the policy asks.
    #[serde(skip)]
    pub community_path: String,
    pub title: String,
    pub detail: Option<String>,
    /// Who made the wish, as the community wrote it (a name or "张阿姨"); not shown publicly.
    pub resident: Option<String>,
    pub status: jiceng_domain::wishes::WishStatus,
    pub posted_on: chrono::NaiveDate,
    pub member_id: Option<i64>,
    pub member_name: Option<String>,
    pub claimed_on: Option<chrono::NaiveDate>,
    pub fulfilled_on: Option<chrono::NaiveDate>,
    pub posted_by: String,
    /// Posted by the resident themself (their account, which the policy asks).
    pub resident_post: bool,
    #[serde(skip)]
    pub resident_user_id: Option<i64>,
    /// Why the community refused it.
    pub refusal: Option<String>,
    /// The resident's rating, 1–5, and note.
    pub rating: Option<i64>,
    pub rating_note: Option<String>,
}

impl From<jiceng_store::wishes::WishRow> for Wish {
    fn from(r: jiceng_store::wishes::WishRow) -> Self {
        Wish {
            id: r.id,
            community_org_id: r.community_org_id,
            community_name: r.community_name,
            community_path: r.community_path,
            title: r.title,
            detail: r.detail,
            resident: r.resident,
            status: r.status,
            posted_on: r.posted_on,
            member_id: r.member_id,
            member_name: r.member_name,
            claimed_on: r.claimed_on,
            fulfilled_on: r.fulfilled_on,
            posted_by: r.posted_by,
            resident_post: r.resident_id.is_some(),
            resident_user_id: r.resident_user_id,
            refusal: r.refusal,
            rating: r.rating,
            rating_note: r.rating_note,
        }
    }
}
