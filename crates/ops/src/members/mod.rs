//! Use cases of members' e-files and their transfers.

pub(crate) mod policy;

use crate::input::{opt, opt_date, opt_past_date, required};
use crate::later::Later;
use crate::orgs::by_code;
pub(crate) use crate::refusal::Refusal;
use crate::refusal::noted;
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

/// Validates every field of a new member; dates against each other and the ID number. Every
/// problem is named, not only the first: a spreadsheet row is corrected in one go.
fn checked(new: &NewMember) -> Result<MemberFields, Vec<OpsError>> {
    let mut bad = Vec::new();
    let name = noted(
        &mut bad,
        required("name", &new.name).and_then(|n| text::name("name", n, 30)),
    );
    let id = noted(
        &mut bad,
        required("id_number", &new.id_number).and_then(IdNumber::parse),
    );
    let gender = noted(&mut bad, opt(&new.gender).map(Gender::parse).transpose());
    let birth = noted(&mut bad, opt_date("birth_date", &new.birth_date));
    let ethnicity = noted(
        &mut bad,
        Ethnicity::parse(opt(&new.ethnicity).unwrap_or("汉族")),
    );
    let phone = noted(&mut bad, opt(&new.phone).map(Phone::parse).transpose());
    let education = noted(
        &mut bad,
        opt(&new.education).map(Education::parse).transpose(),
    );
    let joined_on = noted(
        &mut bad,
        opt_past_date("joined_on", &new.joined_on)
            .and_then(|d| d.ok_or_else(|| Invalid::new("joined_on", "", msg!("必填")))),
    );
    let full_on = noted(&mut bad, opt_date("full_on", &new.full_on));
    let status = noted(
        &mut bad,
        match opt(&new.status) {
            Some(s) => MemberStatus::parse(s),
            None if full_on.flatten().is_some() => Ok(MemberStatus::Full),
            None => Ok(MemberStatus::Probationary),
        },
    );
    let categories = noted(
        &mut bad,
        Categories::parse(opt(&new.categories).unwrap_or("")),
    );
    // What ties fields together is checked once the fields themselves hold.
    let identity = match (&id, birth, gender) {
        (Some(id), Some(birth), Some(gender)) => noted(&mut bad, check_identity(id, birth, gender)),
        _ => None,
    };
    if let (Some((birth_date, _)), Some(joined_on), Some(full_on), Some(status)) =
        (identity, joined_on, full_on, status)
    {
        let dates = MemberDates {
            birth_date,
            joined_on,
            full_on,
            status,
        };
        noted(&mut bad, check_dates(&dates, clock::today()));
    }
    let (
        Some(name),
        Some(id),
        Some((birth_date, gender)),
        Some(ethnicity),
        Some(phone),
        Some(education),
        Some(joined_on),
        Some(full_on),
        Some(status),
        Some(categories),
    ) = (
        name, id, identity, ethnicity, phone, education, joined_on, full_on, status, categories,
    )
    else {
        return Err(bad);
    };
    if !bad.is_empty() {
        return Err(bad);
    }
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

/// Notes a refusal of one part of a file among the others; a stop goes up at once.
fn note(problems: &mut Vec<OpsError>, e: OpsError) -> Result<(), Refusal> {
    match Refusal::from(e) {
        Refusal::Problems(v) => {
            problems.extend(v);
            Ok(())
        }
        stop => Err(stop),
    }
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "add"))]
pub async fn add(db: &Db, actor: &Actor, new: NewMember) -> Result<MemberView, OpsError> {
    let mut tx = db.write().await?;
    let mut later = Later::default();
    let view = add_in(&mut tx, actor, &new, &mut later)
        .await
        .map_err(Refusal::first)?;
    later.flush(&mut tx).await?;
    tx.commit().await?;
    Ok(view)
}

/// Adds a member inside the caller's transaction (one file, or one row of an import), leaving
/// the org counts and the audit entry to `later`. The org is named by its code, or as a
/// spreadsheet names it (see [`crate::orgs::policy::named_loosely`]).
pub(crate) async fn add_in(
    tx: &mut Tx,
    actor: &Actor,
    new: &NewMember,
    later: &mut Later,
) -> Result<MemberView, Refusal> {
    let mut problems = Vec::new();
    let fields = checked(new).map_err(|v| problems.extend(v)).ok();
    let org = match required("org", &new.org) {
        Err(i) => {
            problems.push(i.into());
            None
        }
        Ok(raw) => match crate::orgs::policy::named_loosely(tx, actor, "org", raw).await {
            Ok(org) => {
                actor.may_write(&org.path)?;
                Some(org)
            }
            Err(e) => {
                note(&mut problems, e)?;
                None
            }
        },
    };
    let (Some(mut f), Some(org)) = (fields, org) else {
        return Err(Refusal::Problems(problems));
    };
    if let Err(e) = check_links(tx, actor, new, &mut f, None).await {
        note(&mut problems, e)?;
        return Err(Refusal::Problems(problems));
    }
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
    later.count_members(&org.path, 1);
    later.added(id, &org.path);
    let row = members::by_id(tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("党员", id))?;
    let shown = view(row, org.code.clone(), org.name.clone(), false);
    later.audit(
        actor.audit_name(),
        "member.add",
        format!("member:{id}"),
        Some(&org.path),
        None,
        serde_json::to_string(&shown).ok(),
    );
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
    new: NewMember,
) -> Result<MemberView, OpsError> {
    let mut tx = db.write().await?;
    let (before, org) = load(&mut tx, actor, id).await?;
    let mut later = Later::default();
    let shown = update_in(&mut tx, actor, (before, org), new, &mut later)
        .await
        .map_err(Refusal::first)?;
    later.flush(&mut tx).await?;
    tx.commit().await?;
    Ok(shown)
}

/// Corrects the member file `before` (of `org`, resolved as the actor) inside the caller's
/// transaction, leaving the audit entry to `later`: one file, or one row of an import that
/// names the member's number.
pub(crate) async fn update_in(
    tx: &mut Tx,
    actor: &Actor,
    (before, org): (MemberRow, orgs::OrgRow),
    mut new: NewMember,
    later: &mut Later,
) -> Result<MemberView, Refusal> {
    let id = before.id;
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
    let mut problems = Vec::new();
    let fields = checked(&new).map_err(|v| problems.extend(v)).ok();
    if let Some(raw) = opt(&new.org) {
        // The org as a code or as the sheet names it: an export names both.
        let same = raw == org.code
            || crate::orgs::policy::named_loosely(tx, actor, "org", raw)
                .await
                .is_ok_and(|o| o.id == org.id);
        if !same {
            problems.push(
                Invalid::new(
                    "org",
                    raw,
                    msg!("修改档案不能变更所在党组织，请办理组织关系转接"),
                )
                .into(),
            );
        }
    }
    let Some(mut f) = fields.filter(|_| problems.is_empty()) else {
        return Err(Refusal::Problems(problems));
    };
    check_links(tx, actor, &new, &mut f, Some(id)).await?;
    members::update_fields(tx, id, &f)
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => OpsError::conflict(
                "id_number",
                id_number::mask(&f.id_number),
                msg!("身份证号已登记"),
            ),
            e => e.into(),
        })?;
    let after = members::by_id(tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("党员", id))?;
    later.audit(
        actor.audit_name(),
        "member.update",
        format!("member:{id}"),
        Some(&org.path),
        serde_json::to_string(&before).ok(),
        serde_json::to_string(&after).ok(),
    );
    Ok(view(after, org.code, org.name, false))
}

/// A row of an import that names a member's number (编号, as every export carries): that
/// member, resolved as the actor (one out of scope is not found), has the row's file. The ID
/// number and phone an export masks keep what is on file.
pub(crate) async fn correct_in(
    tx: &mut Tx,
    actor: &Actor,
    number: &str,
    mut new: NewMember,
    later: &mut Later,
) -> Result<(), Refusal> {
    let id: i64 = number
        .trim()
        .parse()
        .map_err(|_| OpsError::from(Invalid::new("number", number, msg!("编号应为数字"))))?;
    let found = match load(tx, actor, id).await {
        Err(OpsError::NotFound { .. }) => {
            return Err(Refusal::Problems(vec![
                Invalid::new("number", number, msg!("没有这个编号的党员")).into(),
            ]));
        }
        found => found?,
    };
    // The row must be the member the number names: its ID number, whole or as an export
    // masks it, or else its name, is theirs. A sheet whose 编号 is only a row count cannot
    // overwrite someone else's file.
    let stored = &found.0;
    let same = match opt(&new.id_number) {
        Some(given) if given.contains('*') => {
            given.to_ascii_uppercase() == id_number::mask(&stored.id_number.to_ascii_uppercase())
        }
        Some(given) => given.eq_ignore_ascii_case(&stored.id_number),
        None => opt(&new.name) == Some(stored.name.as_str()),
    };
    if !same {
        return Err(Refusal::Problems(vec![
            Invalid::new(
                "number",
                number,
                msg!("该编号的党员与此行的身份证号或姓名不符"),
            )
            .into(),
        ]));
    }
    for masked in [&mut new.id_number, &mut new.phone] {
        if masked.as_deref().is_some_and(|v| v.contains('*')) {
            *masked = None;
        }
    }
    // What the sheet leaves out (a column it does not have, or an empty cell) keeps what is
    // on file: a correction changes only what it says.
    let keep = |v: &mut Option<String>, stored: Option<String>| {
        if opt(v).is_none() {
            *v = stored;
        }
    };
    keep(&mut new.gender, Some(stored.gender.code().to_string()));
    keep(&mut new.ethnicity, Some(stored.ethnicity.clone()));
    keep(&mut new.birth_date, Some(stored.birth_date.to_string()));
    keep(
        &mut new.education,
        stored.education.map(|e| e.code().to_string()),
    );
    keep(&mut new.joined_on, Some(stored.joined_on.to_string()));
    keep(&mut new.full_on, stored.full_on.map(|d| d.to_string()));
    keep(&mut new.status, Some(stored.status.code().to_string()));
    keep(
        &mut new.categories,
        Some(
            Categories(stored.categories)
                .list()
                .iter()
                .map(|c| c.code())
                .collect::<Vec<_>>()
                .join(","),
        ),
    );
    keep(&mut new.name, Some(stored.name.clone()));
    update_in(tx, actor, found, new, later).await.map(|_| ())
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
    crate::points::kept::members(&mut tx, &[id], None).await?;
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
