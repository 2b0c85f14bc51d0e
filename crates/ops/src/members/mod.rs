//! Use cases of members' e-files and their transfers.

pub(crate) mod policy;

use crate::input::{opt, opt_date, opt_past_date, required};
use crate::orgs::by_code;
use crate::{Actor, OpsError, Page, divisions};
use jiceng_domain::clock;
use jiceng_domain::members::{MemberDates, check_dates, check_identity};
use jiceng_domain::msg;
use jiceng_domain::{
    Categories, Category, Education, Ethnicity, Gender, IdNumber, Invalid, MemberStatus, Phone,
    id_number, phone, text,
};
use jiceng_store::evaluations::{self};
use jiceng_store::members::{self, MemberFields, MemberFilter, MemberRow};
use jiceng_store::registrations::{self};
use jiceng_store::{Db, StoreError, Tx, audit, orgs, units};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A new member as a form, a spreadsheet row or the command line gives it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewMember {
    pub name: Option<String>,
    pub gender: Option<String>,
    pub ethnicity: Option<String>,
    pub birth_date: Option<String>,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub education: Option<String>,
    pub joined_on: Option<String>,
    pub full_on: Option<String>,
    pub status: Option<String>,
    /// Comma-separated: "在职,流动".
    pub categories: Option<String>,
    /// The org's code.
    pub org: Option<String>,
    /// The residence community's division code.
    pub residence_division: Option<String>,
    /// The employer's unit id; on an update, left out keeps it and 0 removes it.
    pub employer_unit: Option<i64>,
}

/// A member as shown. ID number and phone are masked unless the view was revealed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MemberView {
    pub id: i64,
    pub name: String,
    pub gender: &'static str,
    pub ethnicity: String,
    pub birth_date: chrono::NaiveDate,
    pub id_number: String,
    pub phone: Option<String>,
    pub education: Option<&'static str>,
    pub joined_on: chrono::NaiveDate,
    pub full_on: Option<chrono::NaiveDate>,
    pub status: &'static str,
    pub categories: Vec<&'static str>,
    pub org_id: i64,
    pub org_code: String,
    pub org_name: String,
    pub residence_division: Option<String>,
    pub employer_unit_id: Option<i64>,
    pub masked: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MemberDetail {
    pub member: MemberView,
    /// Whether the actor may edit this file.
    pub writable: bool,
    pub employer_unit_name: Option<String>,
    pub transfers: Vec<Transfer>,
    pub registrations: Vec<crate::registrations::Registration>,
    /// 双向评价 the member received from the communities they registered with.
    pub evaluations: Vec<crate::evaluations::Evaluation>,
}

fn view(row: MemberRow, org_code: String, org_name: String, reveal: bool) -> MemberView {
    MemberView {
        id: row.id,
        gender: row.gender.label(),
        ethnicity: row.ethnicity,
        birth_date: row.birth_date,
        id_number: if reveal {
            row.id_number.clone()
        } else {
            id_number::mask(&row.id_number)
        },
        phone: row.phone.map(|p| if reveal { p } else { phone::mask(&p) }),
        education: row.education.map(Education::label),
        joined_on: row.joined_on,
        full_on: row.full_on,
        status: row.status.label(),
        categories: Categories(row.categories)
            .list()
            .into_iter()
            .map(Category::label)
            .collect(),
        org_id: row.org_id,
        org_code,
        org_name,
        residence_division: row.residence_division,
        employer_unit_id: row.employer_unit_id,
        masked: !reveal,
        name: row.name,
    }
}

/// Validates every field of a new member; dates against each other and the ID number.
fn fields(new: &NewMember) -> Result<MemberFields, Invalid> {
    let name = text::name("name", required("name", &new.name)?, 30)?;
    let id = IdNumber::parse(required("id_number", &new.id_number)?)?;
    let gender = opt(&new.gender).map(Gender::parse).transpose()?;
    let birth = opt_date("birth_date", &new.birth_date)?;
    let (birth_date, gender) = check_identity(&id, birth, gender)?;
    let ethnicity = Ethnicity::parse(opt(&new.ethnicity).unwrap_or("汉族"))?;
    let phone = opt(&new.phone).map(Phone::parse).transpose()?;
    let education = opt(&new.education).map(Education::parse).transpose()?;
    let joined_on = opt_past_date("joined_on", &new.joined_on)?
        .ok_or_else(|| Invalid::new("joined_on", "", msg!("必填")))?;
    let full_on = opt_date("full_on", &new.full_on)?;
    let status = match opt(&new.status) {
        Some(s) => MemberStatus::parse(s)?,
        None if full_on.is_some() => MemberStatus::Full,
        None => MemberStatus::Probationary,
    };
    check_dates(
        &MemberDates {
            birth_date,
            joined_on,
            full_on,
            status,
        },
        clock::today(),
    )?;
    let categories = Categories::parse(opt(&new.categories).unwrap_or(""))?;
    Ok(MemberFields {
        name,
        gender,
        ethnicity: ethnicity.as_str().into(),
        birth_date,
        id_number: id.as_str().into(),
        phone: phone.map(String::from),
        education,
        joined_on,
        full_on,
        status,
        categories: categories.0,
        residence_division: None,
        employer_unit_id: new.employer_unit,
    })
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "add"))]
pub async fn add(db: &Db, actor: &Actor, new: NewMember) -> Result<MemberView, OpsError> {
    let mut tx = db.write().await?;
    let view = add_in(&mut tx, actor, &new).await?;
    tx.commit().await?;
    Ok(view)
}

/// Adds a member inside the caller's transaction (one file, or one row of an import).
pub(crate) async fn add_in(
    tx: &mut Tx,
    actor: &Actor,
    new: &NewMember,
) -> Result<MemberView, OpsError> {
    let mut f = fields(new)?;
    let org = by_code(tx, actor, "org", required("org", &new.org)?).await?;
    actor.may_write(&org.path)?;
    check_links(tx, actor, new, &mut f, None).await?;
    let id = members::insert(tx, &f, org.id, &org.path)
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => OpsError::conflict(
                "id_number",
                id_number::mask(&f.id_number),
                msg!("身份证号已登记"),
            ),
            e => e.into(),
        })?;
    orgs::add_members(tx, &org.path, 1).await?;
    let row = members::by_id(tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("党员", id))?;
    let shown = view(row, org.code.clone(), org.name.clone(), false);
    audit::append(
        tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "member.add",
            target: &format!("member:{id}"),
            path: Some(&org.path),
            before: None,
            after: serde_json::to_string(&shown).ok(),
        },
    )
    .await?;
    Ok(shown)
}

/// Residence, employer and ID-number uniqueness, checked against the store. `own` is the
/// member being edited, who may keep their own ID number. The employer is a unit the actor
/// reaches; a clash names the other member only to an actor who may read their file.
async fn check_links(
    tx: &mut Tx,
    actor: &Actor,
    new: &NewMember,
    f: &mut MemberFields,
    own: Option<i64>,
) -> Result<(), OpsError> {
    if let Some(raw) = opt(&new.residence_division) {
        let d = divisions::existing(tx, "residence_division", raw).await?;
        if !jiceng_domain::DivisionCode::parse(&d.code)?.is_community() {
            return Err(Invalid::new(
                "residence_division",
                raw,
                msg!("应为社区（居委会）一级的代码"),
            )
            .into());
        }
        f.residence_division = Some(d.code);
    }
    if let Some(uid) = f.employer_unit_id {
        crate::units::policy::readable(tx, actor, uid)
            .await?
            .ok_or_else(|| Invalid::new("employer_unit", uid, msg!("没有这个驻区单位")))?;
    }
    if let Some(other) = members::by_id_number(tx, &f.id_number).await?
        && Some(other.id) != own
    {
        let message = if actor.may_read_member(other.id, &other.org_path).is_ok() {
            msg!(
                "已登记为党员 {name}（编号 {id}）",
                name = &other.name,
                id = other.id
            )
        } else {
            msg!("身份证号已登记，请由其所在党组织办理组织关系转接")
        };
        return Err(OpsError::conflict(
            "id_number",
            id_number::mask(&f.id_number),
            message,
        ));
    }
    Ok(())
}

/// Corrects a member's file. The org changes only through a transfer.
/// An ID number or phone left out keeps the stored one, so roles that see them masked can
/// still correct the rest of the file.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "update"))]
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    mut new: NewMember,
) -> Result<MemberView, OpsError> {
    let mut tx = db.write().await?;
    let (before, org) = load(&mut tx, actor, id).await?;
    actor.may_write(&before.org_path)?;
    if opt(&new.id_number).is_none() {
        new.id_number = Some(before.id_number.clone());
    }
    if opt(&new.phone).is_none() {
        new.phone = before.phone.clone();
    }
    // A field left out keeps what is on file: an edit that does not mention the residence
    // or the employer does not erase them. A blank residence clears it; employer 0 clears it.
    if new.residence_division.is_none() {
        new.residence_division = before.residence_division.clone();
    }
    new.employer_unit = match new.employer_unit {
        None => before.employer_unit_id,
        Some(0) => None,
        Some(u) => Some(u),
    };
    let mut f = fields(&new)?;
    if let Some(code) = opt(&new.org)
        && code != org.code
    {
        return Err(Invalid::new(
            "org",
            code,
            msg!("修改档案不能变更所在党组织，请办理组织关系转接"),
        )
        .into());
    }
    check_links(&mut tx, actor, &new, &mut f, Some(id)).await?;
    members::update_fields(&mut tx, id, &f)
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => OpsError::conflict(
                "id_number",
                id_number::mask(&f.id_number),
                msg!("身份证号已登记"),
            ),
            e => e.into(),
        })?;
    let after = members::by_id(&mut tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("党员", id))?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "member.update",
            target: &format!("member:{id}"),
            path: Some(&org.path),
            before: serde_json::to_string(&before).ok(),
            after: serde_json::to_string(&after).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(view(after, org.code, org.name, false))
}

/// The member `id` as the actor may reach them (else not found), with their org.
async fn load(tx: &mut Tx, actor: &Actor, id: i64) -> Result<(MemberRow, orgs::OrgRow), OpsError> {
    let m = policy::resolve(tx, actor, id).await?;
    let o = orgs::by_id(tx, m.org_id)
        .await?
        .ok_or_else(|| OpsError::not_found("党组织", m.org_id))?;
    Ok((m, o))
}

/// A member's file with history and 双报到. `reveal` shows the whole ID number and phone
/// to an actor allowed to see them, and records that it did.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "show"))]
pub async fn show(db: &Db, actor: &Actor, id: i64, reveal: bool) -> Result<MemberDetail, OpsError> {
    let mut tx = if reveal {
        db.write().await?
    } else {
        db.read().await?
    };
    let (m, org) = load(&mut tx, actor, id).await?;
    if reveal && !actor.may_reveal() {
        return Err(OpsError::Forbidden(msg!("查看完整身份证号和电话")));
    }
    let transfers = members::transfers(&mut tx, id).await?;
    let registrations = registrations::of_member(&mut tx, id).await?;
    let evaluations = evaluations::of_member(&mut tx, id).await?;
    let employer_unit_name = match m.employer_unit_id {
        Some(u) => units::by_id(&mut tx, u).await?.map(|u| u.name),
        None => None,
    };
    if reveal {
        audit::append(
            &mut tx,
            audit::Entry {
                actor: &actor.audit_name(),
                operation: "member.reveal",
                target: &format!("member:{id}"),
                path: Some(&m.org_path),
                before: None,
                after: None,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(MemberDetail {
        writable: actor.may_write(&m.org_path).is_ok(),
        member: view(m, org.code, org.name, reveal),
        employer_unit_name,
        transfers: transfers.into_iter().map(Into::into).collect(),
        registrations: registrations.into_iter().map(Into::into).collect(),
        evaluations: evaluations.into_iter().map(Into::into).collect(),
    })
}

/// What to list: members within an org's subtree, filtered, one page after another.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListMembers {
    /// The org whose subtree to list; the whole tree when none.
    pub within: Option<String>,
    pub status: Option<String>,
    pub category: Option<String>,
    pub name: Option<String>,
    /// The id of the last member of the previous page.
    pub after: Option<String>,
    pub limit: Option<i64>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "list"))]
pub async fn list(db: &Db, actor: &Actor, q: ListMembers) -> Result<Page<MemberView>, OpsError> {
    let filter = MemberFilter {
        status: opt(&q.status)
            .map(MemberStatus::parse)
            .transpose()?
            .map(|s| s.code().to_string()),
        category_bit: opt(&q.category)
            .map(Category::parse)
            .transpose()?
            .map(Categories::bit),
        name: opt(&q.name).map(str::to_string),
    };
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let after = opt(&q.after)
        .map(|a| {
            a.parse::<i64>()
                .map_err(|_| Invalid::new("after", a, msg!("应为上一页最后一名党员的编号")))
        })
        .transpose()?;
    let mut tx = db.read().await?;
    let (path, total) = match (opt(&q.within), actor.scope_code()) {
        (Some(code), _) => {
            let o = crate::orgs::policy::named(&mut tx, actor, "within", code).await?;
            (o.path, Some(o.subtree_member_count))
        }
        (None, Some(code)) => {
            let o = orgs::by_code(&mut tx, code)
                .await?
                .ok_or_else(|| OpsError::not_found("党组织", code))?;
            (o.path, Some(o.subtree_member_count))
        }
        (None, None) => ("/".to_string(), None),
    };
    actor.may_read(&path)?;
    let cursor = match after {
        Some(id) => match members::path_of(&mut tx, id).await? {
            Some(p) if p.starts_with(&path) => Some((p, id)),
            _ => return Err(Invalid::new("after", id, msg!("不是本范围内的党员")).into()),
        },
        None => None,
    };
    let mut rows = members::page_in_subtree(
        &mut tx,
        &path,
        &filter,
        cursor.as_ref().map(|(p, id)| (p.as_str(), *id)),
        limit + 1,
    )
    .await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let mut org_ids: Vec<i64> = rows.iter().map(|r| r.org_id).collect();
    org_ids.sort_unstable();
    org_ids.dedup();
    let names: HashMap<i64, (String, String)> = orgs::names(&mut tx, &org_ids)
        .await?
        .into_iter()
        .map(|(id, code, name)| (id, (code, name)))
        .collect();
    let next = if more {
        rows.last().map(|r| r.id.to_string())
    } else {
        None
    };
    let filtered =
        filter.status.is_some() || filter.category_bit.is_some() || filter.name.is_some();
    let items = rows
        .into_iter()
        .map(|r| {
            let (code, name) = names.get(&r.org_id).cloned().unwrap_or_default();
            view(r, code, name, false)
        })
        .collect();
    Ok(Page {
        items,
        total: if filtered { None } else { total },
        next,
    })
}

/// Transfers a member's organisational relationship (组织关系转接) to another org.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "transfer"))]
pub async fn transfer(
    db: &Db,
    actor: &Actor,
    id: i64,
    to: &str,
    on_date: Option<String>,
    reason: Option<String>,
) -> Result<MemberView, OpsError> {
    let date = opt_past_date("transferred_on", &on_date)?.unwrap_or_else(clock::today);
    let mut tx = db.write().await?;
    let (m, from) = load(&mut tx, actor, id).await?;
    let target = by_code(&mut tx, actor, "org", to).await?;
    actor.may_write(&from.path)?;
    actor.may_write(&target.path)?;
    if target.id == from.id {
        return Err(Invalid::new("org", to, msg!("已在该党组织")).into());
    }
    if date < m.joined_on {
        return Err(Invalid::new("transferred_on", date, msg!("早于入党日期")).into());
    }
    if let Some(last) = members::transfers(&mut tx, id).await?.last()
        && date < last.transferred_on
    {
        return Err(Invalid::new(
            "transferred_on",
            date,
            msg!("早于上一次转接日期 {date}", date = last.transferred_on),
        )
        .into());
    }
    members::set_org(&mut tx, id, target.id, &target.path).await?;
    members::record_transfer(&mut tx, id, from.id, target.id, date, opt(&reason)).await?;
    orgs::add_members(&mut tx, &from.path, -1).await?;
    orgs::add_members(&mut tx, &target.path, 1).await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "member.transfer",
            target: &format!("member:{id}"),
            path: Some(&target.path),
            before: Some(format!("{{\"org\":{:?}}}", from.code)),
            after: Some(format!("{{\"org\":{:?},\"on\":\"{date}\"}}", target.code)),
        },
    )
    .await?;
    let row = members::by_id(&mut tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("党员", id))?;
    tx.commit().await?;
    Ok(view(row, target.code, target.name, false))
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Transfer {
    pub id: i64,
    pub member_id: i64,
    pub from_org_id: i64,
    pub from_org_name: String,
    pub to_org_id: i64,
    pub to_org_name: String,
    pub transferred_on: chrono::NaiveDate,
    pub reason: Option<String>,
}

impl From<jiceng_store::members::TransferRow> for Transfer {
    fn from(r: jiceng_store::members::TransferRow) -> Self {
        Transfer {
            id: r.id,
            member_id: r.member_id,
            from_org_id: r.from_org_id,
            from_org_name: r.from_org_name,
            to_org_id: r.to_org_id,
            to_org_name: r.to_org_name,
            transferred_on: r.transferred_on,
            reason: r.reason,
        }
    }
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Member {
    pub id: i64,
    pub name: String,
    pub gender: jiceng_domain::Gender,
    pub ethnicity: String,
    pub birth_date: chrono::NaiveDate,
    pub id_number: String,
    pub phone: Option<String>,
    pub education: Option<jiceng_domain::Education>,
    pub joined_on: chrono::NaiveDate,
    pub full_on: Option<chrono::NaiveDate>,
    pub status: jiceng_domain::MemberStatus,
    pub categories: i64,
    pub org_id: i64,
    pub org_path: String,
    pub residence_division: Option<String>,
    pub employer_unit_id: Option<i64>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<jiceng_store::members::MemberRow> for Member {
    fn from(r: jiceng_store::members::MemberRow) -> Self {
        Member {
            id: r.id,
            name: r.name,
            gender: r.gender,
            ethnicity: r.ethnicity,
            birth_date: r.birth_date,
            id_number: r.id_number,
            phone: r.phone,
            education: r.education,
            joined_on: r.joined_on,
            full_on: r.full_on,
            status: r.status,
            categories: r.categories,
            org_id: r.org_id,
            org_path: r.org_path,
            residence_division: r.residence_division,
            employer_unit_id: r.employer_unit_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}
