//! Use cases of stationed units (驻区单位).

pub(crate) mod policy;

use crate::input::{opt, required};
use crate::orgs::by_code;
use crate::refusal::{Refusal, noted};
use crate::{Actor, OpsError, Page, divisions};
use jiceng_domain::clock;
use jiceng_domain::msg;
use jiceng_domain::{DivisionCode, DivisionLevel, Invalid, OrgCategory, UnitCategory, text};
use jiceng_store::evaluations::{self};
use jiceng_store::registrations::{self};
use jiceng_store::units::{self, UnitFields, UnitRow};
use jiceng_store::{Db, Tx, audit};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewUnit {
    pub name: Option<String>,
    pub category: Option<String>,
    /// The street or community where the unit sits.
    pub division_code: Option<String>,
    pub address: Option<String>,
    /// The code of the unit's own party org, if it has one.
    pub org: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitView {
    #[serde(flatten)]
    pub row: Unit,
    pub category_label: &'static str,
}

impl From<UnitRow> for UnitView {
    fn from(row: UnitRow) -> Self {
        let category_label = row.category.label();
        UnitView {
            row: row.into(),
            category_label,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitDetail {
    pub unit: UnitView,
    pub registrations: Vec<crate::registrations::Registration>,
    /// 双向评价 the unit received from, and gave to, its communities.
    pub evaluations: Vec<crate::evaluations::Evaluation>,
    /// Where the unit is mapped inside a grid, if it is.
    pub place: Option<crate::grids::places::Place>,
    /// Its co-building agreements (共驻共建), newest year first.
    pub agreements: Vec<crate::cobuilding::Agreement>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "add"))]
pub async fn add(db: &Db, actor: &Actor, new: NewUnit) -> Result<UnitView, OpsError> {
    let mut tx = db.write().await?;
    let view = add_in(&mut tx, actor, &new).await.map_err(Refusal::first)?;
    tx.commit().await?;
    Ok(view)
}

/// Adds a unit inside the caller's transaction (one form, or one row of an import); its own
/// fields' problems are named all at once.
pub(crate) async fn add_in(tx: &mut Tx, actor: &Actor, new: &NewUnit) -> Result<UnitView, Refusal> {
    let mut bad: Vec<OpsError> = Vec::new();
    let name = noted(
        &mut bad,
        required("name", &new.name).and_then(|n| text::name("name", n, 100)),
    );
    let category = noted(
        &mut bad,
        required("category", &new.category).and_then(UnitCategory::parse),
    );
    let division = match required("division_code", &new.division_code) {
        Err(e) => {
            bad.push(e.into());
            None
        }
        Ok(raw) => match divisions::existing(tx, "division_code", raw).await {
            Ok(d) if DivisionCode::parse(&d.code)?.level() < DivisionLevel::Township => {
                bad.push(
                    Invalid::new("division_code", raw, msg!("驻区单位应落在街道或社区")).into(),
                );
                None
            }
            Ok(d) => Some(d),
            Err(e @ (OpsError::Invalid(_) | OpsError::Conflict(_))) => {
                bad.push(e);
                None
            }
            Err(e) => return Err(Refusal::Stop(e)),
        },
    };
    let (Some(name), Some(category), Some(division)) = (name, category, division) else {
        return Err(Refusal::Problems(bad));
    };
    let org = match opt(&new.org) {
        Some(code) => {
            let o = by_code(tx, actor, "org", code).await?;
            if o.category != OrgCategory::Unit {
                return Err(Invalid::new("org", code, msg!("不是单位党组织")).into());
            }
            if units::by_org(tx, o.id).await?.is_some() {
                return Err(
                    OpsError::conflict("org", code, msg!("已是另一驻区单位的党组织")).into(),
                );
            }
            Some(o)
        }
        None => None,
    };
    match &org {
        Some(o) => actor.may_write(&o.path)?,
        None => actor.may_write_division(&division.code)?,
    }
    let unit_path = org.as_ref().map(|o| o.path.clone());
    let fields = UnitFields {
        name,
        category,
        division_code: division.code,
        address: opt(&new.address).map(str::to_string),
        org_id: org.map(|o| o.id),
    };
    let id = units::insert(tx, &fields).await?;
    let row = units::by_id(tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("驻区单位", id))?;
    audit::append(
        tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "unit.add",
            target: &format!("unit:{id}"),
            path: unit_path.as_deref(),
            before: None,
            after: serde_json::to_string(&row).ok(),
        },
    )
    .await?;
    Ok(row.into())
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "show"))]
pub async fn show(db: &Db, actor: &Actor, id: i64) -> Result<UnitDetail, OpsError> {
    let mut tx = db.read().await?;
    let row = policy::resolve(&mut tx, actor, id).await?;
    let registrations = registrations::of_unit(&mut tx, id).await?;
    let evaluations = evaluations::of_unit(&mut tx, id).await?;
    let place = jiceng_store::places::of_unit(&mut tx, id).await?;
    let agreements = jiceng_store::cobuilding::of_unit(&mut tx, id, clock::today()).await?;
    Ok(UnitDetail {
        unit: row.into(),
        registrations: registrations.into_iter().map(Into::into).collect(),
        evaluations: evaluations.into_iter().map(Into::into).collect(),
        place: place.map(Into::into),
        agreements: agreements.into_iter().map(Into::into).collect(),
    })
}

/// Which units to list: within a division (a street includes its communities), optionally
/// by part of the name.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListUnits {
    pub within: Option<String>,
    pub q: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Units, a numbered page at a time, ordered by division and name.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "list"))]
pub async fn list(db: &Db, actor: &Actor, q: ListUnits) -> Result<Page<UnitView>, OpsError> {
    let prefix = match q.within.as_deref().or(actor.scope_division()) {
        Some(raw) => DivisionCode::parse(raw)?.short().to_string(),
        None => String::new(),
    };
    let per_page = q.per_page.unwrap_or(50).clamp(1, 500);
    let page = q.page.unwrap_or(1).max(1);
    let name = q.q.as_deref().map(str::trim).filter(|t| !t.is_empty());
    actor.may_read_division(&prefix)?;
    let mut tx = db.read().await?;
    // A liaison's list is their own unit, wherever it falls among the community's units.
    let rows = match actor.own_unit_only() {
        Some(own) => units::by_id(&mut tx, own).await?.into_iter().collect(),
        None => {
            let offset = (page - 1) * per_page;
            units::within_division(&mut tx, &prefix, name, per_page + 1, offset).await?
        }
    };
    Ok(Page::numbered(rows, page, per_page))
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Unit {
    pub id: i64,
    pub name: String,
    pub category: jiceng_domain::UnitCategory,
    pub division_code: String,
    pub address: Option<String>,
    pub org_id: Option<i64>,
    pub org_code: Option<String>,
    pub org_name: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<jiceng_store::units::UnitRow> for Unit {
    fn from(r: jiceng_store::units::UnitRow) -> Self {
        Unit {
            id: r.id,
            name: r.name,
            category: r.category,
            division_code: r.division_code,
            address: r.address,
            org_id: r.org_id,
            org_code: r.org_code,
            org_name: r.org_name,
            created_at: r.created_at,
        }
    }
}
