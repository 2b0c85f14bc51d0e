//! 红色代办: a resident (or a worker for them) asks for an errand by a deadline (`post`); a
//! member in reach takes it, does it, and the resident or the community confirms it done
//! (`moves.rs`), which counts towards the member's points. A taken errand not done within its
//! hold returns to the pool; one not done by its deadline lapses — shown so at once, and
//! written so by the sweep (`sweep`), which runs every few minutes once across processes.

mod moves;
pub mod policy;

pub use moves::{ErrandMoveInput, apply};

use crate::input::{opt, required};
use crate::{Actor, OpsError, Page};
use chrono::{DateTime, NaiveDate, Utc};
use jiceng_domain::errands::{self, ErrandKind, ErrandStatus};
use jiceng_domain::residents::ResidentStatus;
use jiceng_domain::{Invalid, OrgCategory, OrgLevel, Role, clock, msg, text};
use jiceng_store::errands::{self as store, ErrandRow, NewErrand, State};
use jiceng_store::{Db, audit};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Errand {
    pub id: i64,
    pub community_org_id: i64,
    pub community_name: String,
    #[serde(skip)]
    pub community_path: String,
    pub kind: ErrandKind,
    pub title: String,
    pub detail: Option<String>,
    pub resident_id: Option<i64>,
    #[serde(skip)]
    pub resident_user_id: Option<i64>,
    /// Who asked: for the community's readers, the resident and the member running it.
    pub resident_name: Option<String>,
    pub for_whom: Option<String>,
    pub place_name: Option<String>,
    /// The need it meets, if it was asked as one.
    pub need_id: Option<i64>,
    pub due_at: DateTime<Utc>,
    /// As time leaves it: a taken errand past its hold is open again, a late one lapsed.
    pub status: ErrandStatus,
    pub member_id: Option<i64>,
    pub member_name: Option<String>,
    pub taken_at: Option<DateTime<Utc>>,
    pub hold_until: Option<DateTime<Utc>>,
    pub done_at: Option<DateTime<Utc>>,
    pub done_note: Option<String>,
    pub confirmed_on: Option<NaiveDate>,
    pub rating: Option<i64>,
    pub posted_by: String,
    pub offers: Vec<&'static str>,
}

impl From<ErrandRow> for Errand {
    fn from(r: ErrandRow) -> Self {
        let now = clock::now();
        let status = errands::overtaken(r.status, r.hold_until, r.due_at, now).unwrap_or(r.status);
        let released = status == ErrandStatus::Open && r.status == ErrandStatus::Taken;
        Errand {
            id: r.id,
            community_org_id: r.community_org_id,
            community_name: r.community_name,
            community_path: r.community_path,
            kind: r.kind,
            title: r.title,
            detail: r.detail,
            resident_id: r.resident_id,
            resident_user_id: r.resident_user_id,
            resident_name: r.resident_name,
            for_whom: r.for_whom,
            place_name: r.place_name,
            need_id: r.need_id,
            due_at: r.due_at,
            status,
            member_id: r.member_id.filter(|_| !released),
            member_name: r.member_name.filter(|_| !released),
            taken_at: r.taken_at.filter(|_| !released),
            hold_until: r.hold_until.filter(|_| !released),
            done_at: r.done_at,
            done_note: r.done_note,
            confirmed_on: r.confirmed_on,
            rating: r.rating,
            posted_by: r.posted_by,
            offers: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewErrandInput {
    /// The community's org code; a resident's own by default.
    pub community: Option<String>,
    /// bills, medicine, papers, shopping or other.
    pub kind: Option<String>,
    pub title: Option<String>,
    pub detail: Option<String>,
    /// Done by, yyyy-mm-dd hh:mm (Asia/Shanghai), within 30 days.
    pub due_at: Option<String>,
    /// Who it is for, when a worker asks for a resident without an account.
    pub for_whom: Option<String>,
    /// The open need of the community it meets, if any.
    pub need_id: Option<i64>,
}

fn due(raw: &str) -> Result<DateTime<Utc>, Invalid> {
    let t = raw.trim().replace('T', " ");
    let local = chrono::NaiveDateTime::parse_from_str(&t, "%Y-%m-%d %H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(&t, "%Y-%m-%d %H:%M:%S"))
        .map_err(|_| Invalid::new("due_at", raw, msg!("应为 yyyy-mm-dd hh:mm")))?;
    errands::deadline(clock::from_local(local), clock::now())
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "post_errand"))]
pub async fn post(db: &Db, actor: &Actor, new: NewErrandInput) -> Result<Errand, OpsError> {
    let kind = ErrandKind::parse(required("kind", &new.kind)?)?;
    let title = text::name("title", required("title", &new.title)?, 60)?;
    let detail = opt(&new.detail)
        .map(|d| text::long("detail", d, 500))
        .transpose()?;
    let due_at = due(required("due_at", &new.due_at)?)?;
    let for_whom = opt(&new.for_whom)
        .map(|w| text::name("for_whom", w, 30))
        .transpose()?;
    let mut tx = db.write().await?;
    let resident = match actor.role() {
        Some(Role::Resident) => {
            let me = crate::residents::own(&mut tx, actor).await?;
            if me.status != ResidentStatus::Confirmed {
                return Err(OpsError::Forbidden(msg!("社区确认您的身份后才能请求代办")));
            }
            Some(me)
        }
        _ => None,
    };
    let community = match (&resident, opt(&new.community)) {
        (Some(me), _) => jiceng_store::orgs::by_id(&mut tx, me.community_org_id)
            .await?
            .ok_or_else(|| OpsError::internal("a resident's community is gone"))?,
        (None, Some(code)) => crate::orgs::anywhere(&mut tx, "community", code).await?,
        (None, None) => return Err(Invalid::new("community", "", msg!("必填")).into()),
    };
    if community.level != OrgLevel::Community || community.category != OrgCategory::Regional {
        return Err(crate::orgs::not_a_community(actor, &community));
    }
    if resident.is_none() {
        actor
            .may_write(&community.path)
            .map_err(|_| crate::orgs::unknown_community(&community.code))?;
        if for_whom.is_none() {
            return Err(Invalid::new("for_whom", "", msg!("请写明为谁代办")).into());
        }
    }
    if let Some(need) = new.need_id {
        let n = crate::needs::policy::resolve(&mut tx, actor, need)
            .await
            .map_err(|_| Invalid::new("need_id", need, msg!("没有这条需求")))?;
        if n.community_org_id != community.id || n.status != jiceng_domain::needs::NeedStatus::Open
        {
            return Err(Invalid::new("need_id", need, msg!("应为本社区待对接的需求")).into());
        }
    }
    let status = if resident.is_some() {
        ErrandStatus::Pending
    } else {
        ErrandStatus::Open
    };
    let id = store::insert(
        &mut tx,
        &NewErrand {
            community_org_id: community.id,
            community_path: &community.path,
            kind,
            title: &title,
            detail: detail.as_deref(),
            resident_id: resident.as_ref().map(|r| r.id),
            for_whom: for_whom.as_deref(),
            place_id: resident.as_ref().and_then(|r| r.place_id),
            need_id: new.need_id,
            due_at,
            status,
            by: &actor.audit_name(),
        },
    )
    .await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "errand.post",
            target: &format!("errand:{id}"),
            path: Some(&community.path),
            before: None,
            after: Some(title.clone()),
        },
    )
    .await?;
    let e = policy::resolve(&mut tx, actor, id).await?;
    tx.commit().await?;
    Ok(e)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListErrands {
    pub within: Option<String>,
    /// One status; every status by default.
    pub status: Option<String>,
    pub after: Option<String>,
    pub limit: Option<i64>,
}

/// Errands of a scope, newest first. A resident gets theirs; a party member without a scope
/// to read gets the open errands of the communities they live in or are registered with, and
/// those they took.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "errands"))]
pub async fn list(db: &Db, actor: &Actor, q: ListErrands) -> Result<Page<Errand>, OpsError> {
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let status = opt(&q.status).map(ErrandStatus::parse).transpose()?;
    let after = crate::input::after_id(&q.after)?;
    let mut tx = db.read().await?;
    let mut shown = Vec::new();
    let personal = match actor.role() {
        Some(Role::Resident) => {
            let me = crate::residents::own(&mut tx, actor).await?;
            Some(store::of_resident(&mut tx, me.id, 200).await?)
        }
        _ => match (actor.member_id(), actor.may_read(actor.scope_path())) {
            (Some(me), Err(_)) => {
                let mut rows = store::of_member(&mut tx, me, 100).await?;
                for (c, _) in crate::wishes::policy::member_communities(&mut tx, me).await? {
                    let scope = jiceng_store::keyset::Scope::Community(c);
                    rows.extend(
                        store::within(&mut tx, &scope, Some(ErrandStatus::Open), None, 100).await?,
                    );
                }
                Some(rows)
            }
            _ => None,
        },
    };
    if let Some(rows) = personal {
        for r in rows {
            let mut e = Errand::from(r);
            if status.is_none_or(|s| e.status == s) && !shown.iter().any(|x: &Errand| x.id == e.id)
            {
                e.offers = policy::offers(&mut tx, actor, &e).await?;
                shown.push(policy::shown(actor, e));
            }
        }
        return Ok(Page::whole(shown));
    }
    let scope = crate::orgs::list_scope(&mut tx, actor, &q.within).await?;
    let rows = store::within(&mut tx, &scope, status, after, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    for r in rows.into_iter().take(limit as usize) {
        let mut e = Errand::from(r);
        e.offers = policy::offers(&mut tx, actor, &e).await?;
        shown.push(policy::shown(actor, e));
    }
    let next = if more {
        shown.last().map(|e| e.id.to_string())
    } else {
        None
    };
    Ok(Page {
        items: shown,
        total: None,
        next,
    })
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "errand"))]
pub async fn show(db: &Db, actor: &Actor, id: i64) -> Result<Errand, OpsError> {
    let mut tx = db.read().await?;
    policy::resolve(&mut tx, actor, id).await
}

/// The lease key of the sweep.
const SWEEP: i64 = 7_231_017;

/// Writes what time did to errands (returned to the pool, lapsed), once across processes;
/// how many changed.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "sweep_errands"))]
pub async fn sweep(db: &Db, now: DateTime<Utc>) -> Result<u64, OpsError> {
    let Some(lease) = db.lease(SWEEP).await? else {
        return Ok(0);
    };
    let mut changed = 0;
    loop {
        let mut tx = db.write().await?;
        let rows = store::overtaken(&mut tx, now, 500).await?;
        let batch = rows.len();
        let before = changed;
        for r in rows {
            let Some(to) = errands::overtaken(r.status, r.hold_until, r.due_at, now) else {
                continue;
            };
            let keep_taker = to != ErrandStatus::Open;
            let n = store::set_state(
                &mut tx,
                r.id,
                r.status,
                &State {
                    status: to,
                    member_id: r.member_id.filter(|_| keep_taker),
                    taken_at: r.taken_at.filter(|_| keep_taker),
                    hold_until: r.hold_until.filter(|_| keep_taker),
                    done_at: r.done_at,
                    done_note: r.done_note.as_deref(),
                    confirmed_on: r.confirmed_on,
                    rating: r.rating,
                },
            )
            .await?;
            if n == 0 {
                continue;
            }
            changed += n;
            audit::append(
                &mut tx,
                audit::Entry {
                    actor: "system:errands",
                    operation: &format!("errand.{}", to.code()),
                    target: &format!("errand:{}", r.id),
                    path: Some(&r.community_path),
                    before: Some(r.status.code().to_string()),
                    after: Some(to.code().to_string()),
                },
            )
            .await?;
        }
        tx.commit().await?;
        if batch < 500 || changed == before {
            break;
        }
    }
    lease.release().await?;
    Ok(changed)
}
