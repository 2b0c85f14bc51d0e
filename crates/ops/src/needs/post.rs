//! Posting a need. A resident posts to their own community once confirmed, and their need
//! waits for review; others post to a community they may post to, and the need is open at
//! once. The same need posted again while the first is open or waiting joins it (one more
//! supporter, its people added) instead of becoming a second row.

use super::{Need, policy};
use crate::input::{opt, opt_date, required};
use crate::{Actor, OpsError};
use jiceng_domain::grids::PlaceKind;
use jiceng_domain::needs::{self, NeedSource, NeedStatus, NeedUrgency};
use jiceng_domain::residents::ResidentStatus;
use jiceng_domain::{Invalid, OrgCategory, OrgLevel, Role, clock, msg, text};
use jiceng_store::needs::{self as store, NewNeed};
use jiceng_store::{Tx, audit, orgs, places};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewNeedInput {
    /// The community's org code; a resident's own, and the community above a grid worker's
    /// or a liaison's scope, by default.
    pub community: Option<String>,
    /// A category code (`convenience.haircut`), from the category list.
    pub category: Option<String>,
    pub title: Option<String>,
    pub detail: Option<String>,
    /// The building it concerns, from the community's mapped buildings (a resident's own by
    /// default).
    pub place_id: Option<i64>,
    /// normal (the default), urgent or critical.
    pub urgency: Option<String>,
    /// People it affects; one by default.
    pub people: Option<i64>,
    /// When it is wanted, yyyy-mm-dd.
    pub wanted_from: Option<String>,
    pub wanted_until: Option<String>,
}

/// Where a need is: a building the community mapped (its grid and point), else nowhere known.
async fn located(
    tx: &mut Tx,
    community_path: &str,
    place_id: Option<i64>,
) -> Result<(Option<i64>, Option<i64>, Option<(f64, f64)>), OpsError> {
    let mapped = places::within(tx, community_path, crate::residents::BUILDINGS).await?;
    match place_id {
        Some(id) => {
            let p = mapped
                .iter()
                .find(|p| p.id == id && p.kind == PlaceKind::Building)
                .ok_or_else(|| Invalid::new("place_id", id, msg!("不是该社区已登记的楼栋")))?;
            Ok((Some(p.id), Some(p.grid_id), Some((p.lon, p.lat))))
        }
        None => Ok((None, None, None)),
    }
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "post_need"))]
pub async fn post(
    db: &jiceng_store::Db,
    actor: &Actor,
    new: NewNeedInput,
) -> Result<Need, OpsError> {
    let title = text::name("title", required("title", &new.title)?, 60)?;
    let detail = opt(&new.detail)
        .map(|d| text::long("detail", d, 1000))
        .transpose()?;
    let category = needs::category_code(required("category", &new.category)?)?;
    let urgency = opt(&new.urgency)
        .map(NeedUrgency::parse)
        .transpose()?
        .unwrap_or(NeedUrgency::Normal);
    let people = needs::people(new.people.unwrap_or(1))?;
    let (wanted_from, wanted_until) = needs::window(
        opt_date("wanted_from", &new.wanted_from)?,
        opt_date("wanted_until", &new.wanted_until)?,
    )?;
    let mut tx = db.write().await?;
    let kept = store::category(&mut tx, &category)
        .await?
        .ok_or_else(|| Invalid::new("category", &category, msg!("没有这个类别")))?;
    if kept.parent_code.is_none() {
        return Err(Invalid::new("category", &category, msg!("请选择具体的小类")).into());
    }
    // Who posts decides where, how it starts, and what it carries of them.
    let resident = match actor.role() {
        Some(Role::Resident) => {
            let me = crate::residents::own(&mut tx, actor).await?;
            if me.status != ResidentStatus::Confirmed {
                return Err(OpsError::Forbidden(msg!("社区确认您的身份后才能发布需求")));
            }
            Some(me)
        }
        _ => None,
    };
    let community = match (&resident, opt(&new.community)) {
        (Some(me), _) => orgs::by_id(&mut tx, me.community_org_id)
            .await?
            .ok_or_else(|| OpsError::internal("a resident's community is gone"))?,
        (None, Some(code)) => crate::orgs::anywhere(&mut tx, "community", code).await?,
        (None, None) => community_above(&mut tx, actor)
            .await?
            .ok_or_else(|| Invalid::new("community", "", msg!("必填")))?,
    };
    if community.level != OrgLevel::Community || community.category != OrgCategory::Regional {
        return Err(crate::orgs::not_a_community(actor, &community));
    }
    policy::may_post(&mut tx, actor, (community.id, &community.path))
        .await
        .map_err(|e| match e {
            // A community the actor may not post to is named as the field it came in.
            OpsError::Forbidden(_) => crate::orgs::unknown_community(&community.code),
            e => e,
        })?;
    let place_id = new
        .place_id
        .or_else(|| resident.as_ref().and_then(|r| r.place_id));
    let (place_id, grid_id, point) = located(&mut tx, &community.path, place_id).await?;
    let (source, status, unit_id) = match actor.role() {
        Some(Role::Resident) => (NeedSource::Resident, NeedStatus::Pending, None),
        Some(Role::GridWorker) => (NeedSource::GridWorker, NeedStatus::Open, None),
        Some(Role::UnitLiaison) => (NeedSource::Unit, NeedStatus::Open, actor.unit_id()),
        _ => (NeedSource::Community, NeedStatus::Open, None),
    };
    let key = needs::title_key(&title);
    let words =
        jiceng_domain::words::keywords(&format!("{title} {}", detail.as_deref().unwrap_or("")))
            .join(" ");
    let today = clock::today();
    // The same need again joins the one already open or waiting, for those who read the
    // community's needs; a resident's or a liaison's post stays their own (the community
    // merges repeats among them).
    let same = if actor.may_read(&community.path).is_ok() {
        store::same(&mut tx, community.id, &key).await?
    } else {
        None
    };
    if let Some(same) = same {
        store::join(&mut tx, same, 1, people).await?;
        let row = store::by_id(&mut tx, same).await?.expect("still there");
        crate::matching::rescore(&mut tx, same, row.status).await?;
        audit::append(
            &mut tx,
            audit::Entry {
                actor: &actor.audit_name(),
                operation: "need.join",
                target: &format!("need:{same}"),
                path: Some(&community.path),
                before: None,
                after: Some(format!("{{\"people\":{people}}}")),
            },
        )
        .await?;
        tx.commit().await?;
        return Ok(policy::shown(actor, Need::from(row)));
    }
    let id = store::insert(
        &mut tx,
        &NewNeed {
            community_org_id: community.id,
            community_path: &community.path,
            category: &category,
            top_category: needs::top_of(&category),
            title: &title,
            title_key: &key,
            detail: detail.as_deref(),
            words: &words,
            place_id,
            grid_id,
            lon: point.map(|p| p.0),
            lat: point.map(|p| p.1),
            urgency,
            people,
            wanted_from,
            wanted_until,
            source,
            resident_id: resident.as_ref().map(|r| r.id),
            unit_id,
            status,
            posted_on: today,
            by: &actor.audit_name(),
        },
    )
    .await?;
    if let Some(unit) = unit_id {
        crate::cobuilding::link_unit(&mut tx, unit, i64::from(chrono::Datelike::year(&today)))
            .await?;
    }
    let row = store::by_id(&mut tx, id).await?.expect("just written");
    if status.collected() {
        super::figures::count(&mut tx, &row, 1, 0).await?;
    }
    crate::matching::rescore(&mut tx, id, status).await?;
    let need = Need::from(row);
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "need.post",
            target: &format!("need:{id}"),
            path: Some(&community.path),
            before: None,
            after: serde_json::to_string(&need).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(policy::shown(actor, need))
}

/// The community the actor's scope lies in, if any (a grid worker's branch, a liaison's unit).
async fn community_above(
    tx: &mut Tx,
    actor: &Actor,
) -> Result<Option<jiceng_store::orgs::OrgRow>, OpsError> {
    let ids = jiceng_domain::path::OrgPath(actor.scope_path().to_string()).ids();
    Ok(orgs::by_ids(tx, &ids)
        .await?
        .into_iter()
        .find(|o| o.level == OrgLevel::Community && o.category == OrgCategory::Regional))
}
