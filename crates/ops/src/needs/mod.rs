//! 需求清单: residents, grid workers, units and community workers post needs (`post.rs`); a
//! resident's waits for the community's review; the community's writers merge repeats, mark
//! needs met or close them (`moves.rs`); the resident rates what was done (`rate.rs`). The
//! figures by top category, the share met and the median days to meet are kept as needs
//! change (`figures.rs`). Categories are data (`categories.rs`).

pub mod categories;
pub mod figures;
mod moves;
pub mod policy;
mod post;
mod rate;

pub use crate::input::RatingInput;
pub use moves::{NeedMoveInput, apply};
pub use post::{NewNeedInput, post};
pub use rate::rate;

use crate::input::opt;
use crate::{Actor, OpsError, Page};
use chrono::NaiveDate;
use jiceng_domain::needs::{MetBy, NeedSource, NeedStatus, NeedUrgency};
use jiceng_store::Db;
use jiceng_store::needs::{self as store, Filter, NeedRow};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Need {
    pub id: i64,
    pub community_org_id: i64,
    pub community_name: String,
    #[serde(skip)]
    pub community_path: String,
    pub category: String,
    pub category_name: String,
    pub top_category: String,
    pub title: String,
    pub detail: Option<String>,
    pub place_id: Option<i64>,
    pub place_name: Option<String>,
    pub grid_id: Option<i64>,
    pub grid_name: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub urgency: NeedUrgency,
    /// People the need affects, with those of the repeats that joined it.
    pub people: i64,
    /// Postings of the same need: the first and each repeat that joined it.
    pub supporters: i64,
    pub wanted_from: Option<NaiveDate>,
    pub wanted_until: Option<NaiveDate>,
    pub source: NeedSource,
    pub resident_id: Option<i64>,
    #[serde(skip)]
    pub resident_user_id: Option<i64>,
    /// The resident who posted it: shown to the community's readers and to the resident.
    pub resident_name: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub status: NeedStatus,
    /// The need this one was merged into.
    pub merged_into: Option<i64>,
    pub met_by: Option<MetBy>,
    pub met_on: Option<NaiveDate>,
    pub outcome: Option<String>,
    /// The resident's rating of what was done, 1–5.
    pub rating: Option<i64>,
    pub rating_note: Option<String>,
    pub reviewed_by: Option<String>,
    pub posted_on: NaiveDate,
    pub posted_by: String,
    /// What the asking actor may do to it now.
    pub offers: Vec<&'static str>,
}

impl From<NeedRow> for Need {
    fn from(r: NeedRow) -> Self {
        Need {
            id: r.id,
            community_org_id: r.community_org_id,
            community_name: r.community_name,
            community_path: r.community_path,
            category: r.category,
            category_name: r.category_name,
            top_category: r.top_category,
            title: r.title,
            detail: r.detail,
            place_id: r.place_id,
            place_name: r.place_name,
            grid_id: r.grid_id,
            grid_name: r.grid_name,
            lon: r.lon,
            lat: r.lat,
            urgency: r.urgency,
            people: r.people,
            supporters: r.supporters,
            wanted_from: r.wanted_from,
            wanted_until: r.wanted_until,
            source: r.source,
            resident_id: r.resident_id,
            resident_user_id: r.resident_user_id,
            resident_name: r.resident_name,
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            status: r.status,
            merged_into: r.merged_into,
            met_by: r.met_by,
            met_on: r.met_on,
            outcome: r.outcome,
            rating: r.rating,
            rating_note: r.rating_note,
            reviewed_by: r.reviewed_by,
            posted_on: r.posted_on,
            posted_by: r.posted_by,
            offers: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListNeeds {
    /// An org code within the actor's scope; the whole scope by default.
    pub within: Option<String>,
    /// pending, open, in_project, met, merged, closed or refused; every status by default.
    pub status: Option<String>,
    /// A top category's code (culture, management, convenience, employment, other).
    pub category: Option<String>,
    /// The `next` of the page before.
    pub after: Option<String>,
    /// Rows a page, 50 unless asked (1–500).
    pub limit: Option<i64>,
}

/// Needs of a scope, newest first; a resident gets their own.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "needs"))]
pub async fn list(db: &Db, actor: &Actor, q: ListNeeds) -> Result<Page<Need>, OpsError> {
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let status = opt(&q.status).map(NeedStatus::parse).transpose()?;
    let top_category = opt(&q.category)
        .map(|c| {
            jiceng_domain::needs::category_code(c)
                .map(|c| jiceng_domain::needs::top_of(&c).to_string())
        })
        .transpose()?;
    let after = crate::input::after_id(&q.after)?;
    let mut tx = db.read().await?;
    if actor.role() == Some(jiceng_domain::Role::Resident) {
        let me = crate::residents::own(&mut tx, actor).await?;
        let mut rows = store::of_resident(&mut tx, me.id, 200).await?;
        rows.retain(|n| status.is_none_or(|s| n.status == s));
        return Ok(Page::whole(
            rows.into_iter()
                .map(|r| policy::shown(actor, Need::from(r)))
                .collect::<Vec<Need>>(),
        ));
    }
    let scope = crate::orgs::list_scope(&mut tx, actor, &q.within).await?;
    let filter = Filter {
        status,
        top_category,
    };
    let rows = store::within(&mut tx, &scope, &filter, after, limit + 1).await?;
    Ok(Page::after_last(
        rows,
        limit,
        |r| r.id.to_string(),
        |r| policy::shown(actor, Need::from(r)),
    ))
}

/// One need, as the actor may see it.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "need"))]
pub async fn show(db: &Db, actor: &Actor, id: i64) -> Result<Need, OpsError> {
    let mut tx = db.read().await?;
    policy::resolve(&mut tx, actor, id).await
}

/// Needs the need `id` may repeat, for merging it: the open ones of its community and top
/// category, newest first, a page at most. Asked by those who may merge it.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "need_repeats"))]
pub async fn repeats(db: &Db, actor: &Actor, id: i64) -> Result<Vec<Need>, OpsError> {
    let mut tx = db.read().await?;
    let n = policy::resolve(&mut tx, actor, id).await?;
    policy::may_manage(actor, &n)?;
    let filter = Filter {
        status: Some(NeedStatus::Open),
        top_category: Some(n.top_category.clone()),
    };
    let scope = jiceng_store::keyset::Scope::Community(n.community_org_id);
    Ok(store::within(&mut tx, &scope, &filter, None, 21)
        .await?
        .into_iter()
        .filter(|r| r.id != id)
        .take(20)
        .map(|r| policy::shown(actor, Need::from(r)))
        .collect())
}
