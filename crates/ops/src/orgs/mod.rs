//! Use cases of the organisation tree.

pub(crate) mod policy;
mod scope;

pub(crate) use scope::{list_scope, within_path};
pub use scope::{org_rows_scope, scope_of, whole_tree};

use crate::input::{opt, opt_date, opt_past_date, required};
use crate::refusal::{Refusal, noted};
use crate::{Actor, OpsError, Page, divisions};
use jiceng_domain::clock;
use jiceng_domain::orgs::{CommitteePosition, check_placement, check_temporary, term_due};
use jiceng_domain::{DivisionCode, Invalid, OrgCategory, OrgCode, OrgLevel, text};
use jiceng_domain::{Label, msg};
use jiceng_store::committee::{self, SeatFields};
use jiceng_store::orgs::{self, OrgFields, OrgFilter, OrgRow};
use jiceng_store::units::{self};
use jiceng_store::{Db, StoreError, Tx, audit, registrations};
use serde::{Deserialize, Serialize};

/// A new org as a form, a spreadsheet row or the command line gives it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewOrg {
    pub code: Option<String>,
    pub name: Option<String>,
    pub level: Option<String>,
    pub category: Option<String>,
    /// The parent's code; none for a district committee at the root.
    pub parent: Option<String>,
    pub division_code: Option<String>,
    pub founded_on: Option<String>,
    pub elected_on: Option<String>,
    pub project: Option<String>,
    pub ends_on: Option<String>,
}

/// An org as shown: the stored row with its labels and term state.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrgView {
    #[serde(flatten)]
    pub row: Org,
    pub level_label: &'static str,
    pub category_label: &'static str,
    pub term_overdue: bool,
}

impl From<OrgRow> for OrgView {
    fn from(row: OrgRow) -> Self {
        let level = row.level.label();
        let category = row.category.label();
        let term_overdue = row.term_due.is_some_and(|d| d < clock::today());
        OrgView {
            row: row.into(),
            level_label: level,
            category_label: category,
            term_overdue,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrgDetail {
    pub org: OrgView,
    pub ancestors: Vec<OrgView>,
    pub children: Vec<OrgView>,
    pub committee: Vec<Seat>,
    /// The stationed unit whose party org this is.
    pub unit: Option<crate::units::Unit>,
    /// Members and units actively registered here (双报到), for a community.
    pub registered_members: i64,
    pub registered_units: i64,
}

/// The org a request names in `field`, as the actor may read it: see [`policy::named`].
pub(crate) async fn by_code(
    tx: &mut Tx,
    actor: &Actor,
    field: &'static str,
    code: &str,
) -> Result<OrgRow, OpsError> {
    policy::named(tx, actor, field, code).await
}

/// An org named where any org may be, whoever asks: the community where a problem is
/// reported (a hotline answers for the whole city) and the public disclosure's streets.
pub(crate) async fn anywhere(
    tx: &mut Tx,
    field: &'static str,
    code: &str,
) -> Result<OrgRow, OpsError> {
    orgs::by_code(tx, code.trim())
        .await?
        .ok_or_else(|| Invalid::new(field, code, msg!("没有这个代码的党组织")).into())
}

/// A community a request names that the actor may not post to answers as one that does not
/// exist, in the words [`anywhere`] uses for a code it does not know.
pub(crate) fn unknown_community(code: &str) -> OpsError {
    Invalid::new("community", code, msg!("没有这个代码的党组织")).into()
}

/// An org named as a community that is none: said so to those who read it, and to anyone
/// else answered as a code that does not exist.
pub(crate) fn not_a_community(actor: &Actor, org: &OrgRow) -> OpsError {
    if actor.may_read(&org.path).is_ok() {
        Invalid::new("community", &org.code, msg!("应为社区党组织的代码")).into()
    } else {
        unknown_community(&org.code)
    }
}

fn audit_json<T: Serialize>(v: &T) -> Option<String> {
    serde_json::to_string(v).ok()
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "add"))]
pub async fn add(db: &Db, actor: &Actor, new: NewOrg) -> Result<OrgView, OpsError> {
    let mut tx = db.write().await?;
    let view = add_in(&mut tx, actor, &new).await.map_err(Refusal::first)?;
    tx.commit().await?;
    Ok(view)
}

/// An org's own fields, each read on its own.
struct Own {
    code: OrgCode,
    name: String,
    level: OrgLevel,
    category: OrgCategory,
    founded_on: Option<chrono::NaiveDate>,
    elected_on: Option<chrono::NaiveDate>,
    ends_on: Option<chrono::NaiveDate>,
    project: Option<String>,
}

/// Reads every field of a new org, naming every problem (a spreadsheet row is corrected in
/// one go), then what ties them together.
fn own(new: &NewOrg) -> Result<Own, Vec<OpsError>> {
    let mut bad = Vec::new();
    let code = noted(
        &mut bad,
        required("code", &new.code).and_then(OrgCode::parse),
    );
    let name = noted(
        &mut bad,
        required("name", &new.name).and_then(|n| text::name("name", n, 100)),
    );
    let level = noted(
        &mut bad,
        required("level", &new.level).and_then(OrgLevel::parse),
    );
    let category = noted(
        &mut bad,
        opt(&new.category).map_or(Ok(OrgCategory::Regional), OrgCategory::parse),
    );
    let founded_on = noted(&mut bad, opt_past_date("founded_on", &new.founded_on));
    let elected_on = noted(&mut bad, opt_past_date("elected_on", &new.elected_on));
    let ends_on = noted(&mut bad, opt_date("ends_on", &new.ends_on));
    let project = noted(
        &mut bad,
        opt(&new.project)
            .map(|p| text::name("project", p, 100))
            .transpose(),
    );
    let (
        Some(code),
        Some(name),
        Some(level),
        Some(category),
        Some(founded_on),
        Some(elected_on),
        Some(ends_on),
        Some(project),
    ) = (
        code, name, level, category, founded_on, elected_on, ends_on, project,
    )
    else {
        return Err(bad);
    };
    let together = check_temporary(category, project.as_deref(), ends_on, founded_on)
        .and_then(|()| jiceng_domain::orgs::check_dates(founded_on, elected_on));
    if let Err(e) = together {
        return Err(vec![e.into()]);
    }
    if elected_on.is_some() && level.term_years(category).is_none() {
        return Err(vec![
            Invalid::new(
                "elected_on",
                opt(&new.elected_on).unwrap_or(""),
                msg!("{level}不实行换届", level = Label(level.label())),
            )
            .into(),
        ]);
    }
    Ok(Own {
        code,
        name,
        level,
        category,
        founded_on,
        elected_on,
        ends_on,
        project,
    })
}

pub(crate) async fn add_in(tx: &mut Tx, actor: &Actor, new: &NewOrg) -> Result<OrgView, Refusal> {
    let Own {
        code,
        name,
        level,
        category,
        founded_on,
        elected_on,
        ends_on,
        project,
    } = own(new).map_err(Refusal::Problems)?;
    let years = level.term_years(category);
    let parent = match opt(&new.parent) {
        Some(p) => Some(by_code(tx, actor, "parent", p).await?),
        None => None,
    };
    let parent_level = parent.as_ref().map(|p| p.level);
    actor.may_write(parent.as_ref().map_or("/", |p| p.path.as_str()))?;
    check_placement(level, category, parent_level)?;
    let division = divisions::existing(
        tx,
        "division_code",
        required("division_code", &new.division_code)?,
    )
    .await?;
    if let Some(p) = &parent {
        check_division_within(&division.code, &p.division_code)?;
    }
    if orgs::by_code(tx, code.as_str()).await?.is_some() {
        return Err(OpsError::conflict("code", &code, msg!("组织代码已被使用")).into());
    }
    let fields = OrgFields {
        code: code.to_string(),
        name,
        level,
        category,
        division_code: division.code,
        founded_on,
        elected_on,
        term_years: years.map(i64::from),
        term_due: elected_on.zip(years).map(|(d, y)| term_due(d, y)),
        project,
        ends_on,
    };
    let id = orgs::insert(tx, &fields, parent.as_ref()).await?;
    let row = orgs::by_id(tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("党组织", id))?;
    audit::append(
        tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "org.add",
            target: &format!("org:{id}"),
            path: Some(&row.path),
            before: None,
            after: audit_json(&row),
        },
    )
    .await?;
    Ok(row.into())
}

fn check_division_within(child: &str, parent: &str) -> Result<(), Invalid> {
    let c = DivisionCode::parse(child)?;
    let p = DivisionCode::parse(parent)?;
    if !c.is_within(&p) {
        return Err(Invalid::new(
            "division_code",
            child,
            msg!("不在上级党组织所在区划 {parent} 之内", parent = parent),
        ));
    }
    Ok(())
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "show"))]
pub async fn show(db: &Db, actor: &Actor, code: &str) -> Result<OrgDetail, OpsError> {
    let mut tx = db.read().await?;
    let org = policy::resolve(&mut tx, actor, code).await?;
    let ids = jiceng_domain::OrgPath(org.path.clone()).ids();
    let ancestors = orgs::by_ids(&mut tx, &ids[..ids.len() - 1]).await?;
    let children = orgs::children(&mut tx, Some(org.id)).await?;
    let committee = committee::of_org(&mut tx, org.id).await?;
    let unit = units::by_org(&mut tx, org.id).await?;
    let (registered_members, registered_units) =
        registrations::community_counts(&mut tx, org.id).await?;
    Ok(OrgDetail {
        org: org.into(),
        ancestors: ancestors.into_iter().map(Into::into).collect(),
        children: children.into_iter().map(Into::into).collect(),
        committee: committee.into_iter().map(Into::into).collect(),
        unit: unit.map(Into::into),
        registered_members,
        registered_units,
    })
}

/// What to list: a subtree (or the whole tree) with filters, one page at a time.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListOrgs {
    pub within: Option<String>,
    pub level: Option<String>,
    pub category: Option<String>,
    pub text: Option<String>,
    /// Only orgs whose next election is due before this date.
    pub term_due_before: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "list"))]
pub async fn list(db: &Db, actor: &Actor, q: ListOrgs) -> Result<Page<OrgView>, OpsError> {
    let filter = OrgFilter {
        level: opt(&q.level).map(OrgLevel::parse).transpose()?,
        category: opt(&q.category).map(OrgCategory::parse).transpose()?,
        text: opt(&q.text).map(str::to_string),
        term_due_before: opt_date("term_due_before", &q.term_due_before)?,
    };
    let per_page = q.per_page.unwrap_or(50).clamp(1, 500);
    let page = q.page.unwrap_or(1).max(1);
    let mut tx = db.read().await?;
    let path = match (opt(&q.within), actor.scope_code()) {
        (Some(code), _) => policy::named(&mut tx, actor, "within", code).await?.path,
        (None, Some(code)) => {
            orgs::by_code(&mut tx, code)
                .await?
                .ok_or_else(|| OpsError::not_found("党组织", code))?
                .path
        }
        (None, None) => "/".to_string(),
    };
    actor.may_read(&path)?;
    let rows =
        orgs::in_subtree(&mut tx, &path, &filter, per_page + 1, (page - 1) * per_page).await?;
    Ok(Page::numbered(rows, page, per_page))
}

/// The communities whose name holds `text` (or whose code it is), anywhere in the city, at
/// most 10: a case and a registration may name any community, whoever sends them, so their
/// pickers look beyond the sender's scope. Only names and codes are given, to anyone signed
/// in (the front doors ask for a session).
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "communities_named"))]
pub async fn communities_named(db: &Db, text: &str) -> Result<Vec<OrgView>, OpsError> {
    let filter = OrgFilter {
        level: Some(OrgLevel::Community),
        category: None,
        text: Some(text.trim().to_string()).filter(|t| !t.is_empty()),
        term_due_before: None,
    };
    if filter.text.is_none() {
        return Ok(Vec::new());
    }
    let mut tx = db.read().await?;
    Ok(orgs::in_subtree(&mut tx, "/", &filter, 10, 0)
        .await?
        .into_iter()
        .map(OrgView::from)
        .collect())
}

/// Moves an org, with its whole subtree and their members, under another parent.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "move_to"))]
pub async fn move_to(
    db: &Db,
    actor: &Actor,
    code: &str,
    new_parent: &str,
) -> Result<OrgView, OpsError> {
    let mut tx = db.write().await?;
    let org = policy::resolve(&mut tx, actor, code).await?;
    let parent = by_code(&mut tx, actor, "parent", new_parent).await?;
    actor.may_write(&org.path)?;
    actor.may_write(&parent.path)?;
    if parent.path.starts_with(&org.path) {
        return Err(Invalid::new(
            "parent",
            new_parent,
            msg!("不能把党组织移到它自己或它的下级之下"),
        )
        .into());
    }
    check_placement(org.level, org.category, Some(parent.level))?;
    check_division_within(&org.division_code, &parent.division_code)?;
    orgs::move_subtree(&mut tx, &org, &parent).await?;
    let moved = orgs::by_id(&mut tx, org.id)
        .await?
        .ok_or_else(|| OpsError::not_found("党组织", code))?;
    // The members moved under other orgs, whose meetings they now owe, and other levels.
    crate::points::kept::subtree(&mut tx, &moved.path, None, &[]).await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "org.move",
            target: &format!("org:{}", org.id),
            path: Some(&moved.path),
            before: audit_json(&org),
            after: audit_json(&moved),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(moved.into())
}

/// Deletes an org that has no children, no members and no history pointing at it.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "delete"))]
pub async fn delete(db: &Db, actor: &Actor, code: &str) -> Result<(), OpsError> {
    let mut tx = db.write().await?;
    let org = policy::resolve(&mut tx, actor, code).await?;
    actor.may_write(&org.path)?;
    let children = orgs::child_count(&mut tx, org.id).await?;
    if children > 0 {
        return Err(OpsError::conflict(
            "code",
            code,
            msg!(
                "还有 {children} 个下级党组织，不能删除",
                children = children
            ),
        ));
    }
    if org.member_count > 0 {
        return Err(OpsError::conflict(
            "code",
            code,
            msg!("还有 {count} 名党员，请先转出", count = org.member_count),
        ));
    }
    if let Some(u) = units::by_org(&mut tx, org.id).await? {
        return Err(OpsError::conflict(
            "code",
            code,
            msg!("是驻区单位“{unit}”的党组织，不能删除", unit = &u.name),
        ));
    }
    orgs::delete(&mut tx, org.id).await.map_err(|e| match e {
        StoreError::Referenced(_) => OpsError::conflict(
            "code",
            code,
            msg!("仍有组织关系转接、双报到记录或账号指向它，不能删除"),
        ),
        e => e.into(),
    })?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "org.delete",
            target: &format!("org:{}", org.id),
            path: Some(&org.path),
            before: audit_json(&org),
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A committee seat to add; `unit` marks a part-time member (兼职委员) from a stationed unit.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewSeat {
    pub position: Option<String>,
    pub name: Option<String>,
    pub member_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub since: Option<String>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "add_seat"))]
pub async fn add_seat(
    db: &Db,
    actor: &Actor,
    org_code: &str,
    new: NewSeat,
) -> Result<Vec<Seat>, OpsError> {
    let position = CommitteePosition::parse(required("position", &new.position)?)?;
    let since = opt_past_date("since", &new.since)?;
    let mut tx = db.write().await?;
    let org = policy::resolve(&mut tx, actor, org_code).await?;
    actor.may_write(&org.path)?;
    // The member and unit named are ones the actor reaches, asked before anything about
    // them is read or named.
    let name = match (opt(&new.name), new.member_id) {
        (_, Some(mid)) => {
            let m = crate::members::policy::readable(&mut tx, actor, mid)
                .await?
                .ok_or_else(|| Invalid::new("member", mid, msg!("没有这个党员")))?;
            if !m.org_path.starts_with(&org.path) && new.unit_id.is_none() {
                return Err(Invalid::new(
                    "name",
                    &m.name,
                    msg!("委员应是本组织党员，或来自驻区单位的兼职委员"),
                )
                .into());
            }
            m.name
        }
        (Some(n), None) => text::name("name", n, 30)?,
        (None, None) => return Err(Invalid::new("name", "", msg!("必填")).into()),
    };
    if let Some(uid) = new.unit_id {
        crate::units::policy::readable(&mut tx, actor, uid)
            .await?
            .ok_or_else(|| Invalid::new("unit", uid, msg!("没有这个驻区单位")))?;
    }
    let seat = SeatFields {
        org_id: org.id,
        position,
        name,
        member_id: new.member_id,
        unit_id: new.unit_id,
        part_time: new.unit_id.is_some(),
        since,
    };
    committee::insert_many(&mut tx, std::slice::from_ref(&seat))
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => {
                OpsError::conflict("position", position, msg!("该组织已有书记"))
            }
            e => e.into(),
        })?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "org.seat.add",
            target: &format!("org:{}", org.id),
            path: Some(&org.path),
            before: None,
            after: Some(format!(
                "{{\"position\":\"{}\",\"name\":{:?}}}",
                seat.position, seat.name
            )),
        },
    )
    .await?;
    let seats = committee::of_org(&mut tx, org.id).await?;
    tx.commit().await?;
    Ok(seats.into_iter().map(Into::into).collect())
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Seat {
    pub id: i64,
    pub org_id: i64,
    pub position: jiceng_domain::orgs::CommitteePosition,
    pub name: String,
    pub member_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub part_time: bool,
    pub since: Option<chrono::NaiveDate>,
}

impl From<jiceng_store::committee::SeatRow> for Seat {
    fn from(r: jiceng_store::committee::SeatRow) -> Self {
        Seat {
            id: r.id,
            org_id: r.org_id,
            position: r.position,
            name: r.name,
            member_id: r.member_id,
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            part_time: r.part_time,
            since: r.since,
        }
    }
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Org {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub level: jiceng_domain::OrgLevel,
    pub category: jiceng_domain::OrgCategory,
    pub parent_id: Option<i64>,
    pub path: String,
    pub division_code: String,
    pub founded_on: Option<chrono::NaiveDate>,
    pub elected_on: Option<chrono::NaiveDate>,
    pub term_years: Option<i64>,
    pub term_due: Option<chrono::NaiveDate>,
    pub project: Option<String>,
    pub ends_on: Option<chrono::NaiveDate>,
    pub member_count: i64,
    pub subtree_member_count: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<jiceng_store::orgs::OrgRow> for Org {
    fn from(r: jiceng_store::orgs::OrgRow) -> Self {
        Org {
            id: r.id,
            code: r.code,
            name: r.name,
            level: r.level,
            category: r.category,
            parent_id: r.parent_id,
            path: r.path,
            division_code: r.division_code,
            founded_on: r.founded_on,
            elected_on: r.elected_on,
            term_years: r.term_years,
            term_due: r.term_due,
            project: r.project,
            ends_on: r.ends_on,
            member_count: r.member_count,
            subtree_member_count: r.subtree_member_count,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}
