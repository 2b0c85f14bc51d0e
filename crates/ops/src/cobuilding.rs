//! 共驻共建: a community's (or street's) writers sign the year's agreement with a stationed unit
//! sitting in it, listing its commitments; the unit's liaison or those writers mark each
//! commitment fulfilled. The assessment counts the commitments fulfilled on time.

use crate::input::{opt, opt_past_date, required};
use crate::orgs::by_code;
use crate::{Actor, OpsError, Page};
use chrono::{Datelike, NaiveDate};
use jiceng_domain::clock;
use jiceng_domain::cobuilding::{self as rules, NewCommitment};
use jiceng_domain::path::OrgPath;
use jiceng_domain::{DivisionCode, Invalid, OrgCategory, OrgLevel, msg, text};
use jiceng_store::cobuilding::{self as store, AgreementRow, NewAgreement};
use jiceng_store::{Db, StoreError, Tx, audit, units};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CommitmentInput {
    pub title: Option<String>,
    pub due_on: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewAgreementInput {
    pub unit_id: Option<i64>,
    /// The community's or street's org code.
    pub org: Option<String>,
    /// Defaults to this year.
    pub year: Option<i32>,
    /// Defaults to today.
    pub signed_on: Option<String>,
    /// The commitments as items (the API) …
    #[serde(default)]
    pub commitments: Vec<CommitmentInput>,
    /// … or as lines of `事项|2026-06-30` (the web form).
    pub lines: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AgreementDetail {
    pub agreement: Agreement,
    pub commitments: Vec<Commitment>,
    /// Its content: the unit's needs, resources, projects and problems of the year in the
    /// agreement's community or street (the open ones of the year before carried over).
    pub lists: Vec<ListItem>,
}

/// One item of an agreement's lists.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ListItem {
    /// needs, resources, projects or problems.
    pub list: String,
    pub id: i64,
    pub title: String,
    pub status: String,
}

/// Makes a unit's items of a year the content of its agreement of that year, if it has one.
pub(crate) async fn link_unit(tx: &mut Tx, unit: i64, year: i64) -> Result<(), OpsError> {
    if let Some((id, path)) = store::of_unit_year(tx, unit, year).await? {
        store::attach(tx, id, unit, &path, year).await?;
    }
    Ok(())
}

fn items(year: i32, new: &NewAgreementInput) -> Result<Vec<NewCommitment>, Invalid> {
    if let Some(lines) = opt(&new.lines) {
        return rules::parse_lines(year, lines);
    }
    if new.commitments.is_empty() {
        return Err(Invalid::new(
            "commitments",
            "",
            msg!("至少要有一项履职事项"),
        ));
    }
    new.commitments
        .iter()
        .map(|c| {
            let due = text::date("due_on", required("due_on", &c.due_on)?)?;
            rules::commitment(year, required("title", &c.title)?, due)
        })
        .collect()
}

/// Signs a unit's agreement for a year with the community or street it sits in.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "sign"))]
pub async fn sign(
    db: &Db,
    actor: &Actor,
    new: NewAgreementInput,
) -> Result<AgreementDetail, OpsError> {
    let today = clock::today();
    let year = new.year.unwrap_or(today.year());
    if !(2000..=today.year() + 1).contains(&year) {
        return Err(Invalid::new("year", year, msg!("年度应在 2000 年到明年之间")).into());
    }
    let signed_on = opt_past_date("signed_on", &new.signed_on)?.unwrap_or(today);
    let list = items(year, &new)?;
    let unit_id = new
        .unit_id
        .ok_or_else(|| Invalid::new("unit", "", msg!("必填")))?;
    let code = required("org", &new.org)?.to_string();
    let mut tx = db.write().await?;
    let org = by_code(&mut tx, actor, "org", &code).await?;
    if org.category != OrgCategory::Regional
        || (org.level != OrgLevel::Community && org.level != OrgLevel::Street)
    {
        return Err(Invalid::new("org", &code, msg!("共建协议应与社区或街道党组织签订")).into());
    }
    actor.may_write(&org.path)?;
    let unit = crate::units::policy::named(&mut tx, actor, "unit", unit_id).await?;
    let sits_in = DivisionCode::parse(&unit.division_code)?
        .is_within(&DivisionCode::parse(&org.division_code)?);
    if !sits_in {
        // Named by the id the request gave: the unit may be one the actor cannot see.
        return Err(Invalid::new("unit", unit_id, msg!("该单位不在这个社区或街道")).into());
    }
    let id = store::insert(
        &mut tx,
        &NewAgreement {
            unit_id,
            org_id: org.id,
            org_path: &org.path,
            year,
            signed_on,
            by: &actor.audit_name(),
        },
    )
    .await
    .map_err(|e| match e {
        StoreError::Duplicate(_) => OpsError::conflict(
            "unit",
            &unit.name,
            msg!("该单位 {year} 年已签订共建协议", year = year),
        ),
        e => e.into(),
    })?;
    for c in &list {
        store::add_commitment(&mut tx, id, &c.title, c.due_on).await?;
    }
    store::attach(&mut tx, id, unit_id, &org.path, i64::from(year)).await?;
    let detail = detail_in(&mut tx, id, today).await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "agreement.sign",
            target: &format!("agreement:{id}"),
            path: Some(&org.path),
            before: None,
            after: serde_json::to_string(&detail).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(detail)
}

/// Renews an agreement for the next year: the commitments not yet done move to the same day
/// of the next year, and what is still open of its needs, resources, projects and problems is
/// carried over to the new agreement; the unit's items of the new year join it too.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "renew"))]
pub async fn renew(db: &Db, actor: &Actor, id: i64) -> Result<AgreementDetail, OpsError> {
    let today = clock::today();
    let mut tx = db.write().await?;
    resolve(&mut tx, actor, id, today).await?;
    let old = detail_in(&mut tx, id, today).await?;
    let a = &old.agreement;
    actor.may_write(&a.org_path)?;
    let year = a.year + 1;
    if year > today.year() + 1 {
        return Err(Invalid::new("year", year, msg!("年度应在 2000 年到明年之间")).into());
    }
    let new_id = store::insert(
        &mut tx,
        &NewAgreement {
            unit_id: a.unit_id,
            org_id: a.org_id,
            org_path: &a.org_path,
            year,
            signed_on: today,
            by: &actor.audit_name(),
        },
    )
    .await
    .map_err(|e| match e {
        StoreError::Duplicate(_) => OpsError::conflict(
            "year",
            year,
            msg!("该单位 {year} 年已签订共建协议", year = year),
        ),
        e => e.into(),
    })?;
    for c in old.commitments.iter().filter(|c| c.done_on.is_none()) {
        let due = c
            .due_on
            .with_year(year)
            .or_else(|| c.due_on.pred_opt().and_then(|d| d.with_year(year)))
            .unwrap_or(c.due_on);
        store::add_commitment(&mut tx, new_id, &c.title, due).await?;
    }
    store::attach(&mut tx, new_id, a.unit_id, &a.org_path, i64::from(year)).await?;
    let carried = store::carry(&mut tx, id, new_id).await?;
    let detail = detail_in(&mut tx, new_id, today).await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "agreement.renew",
            target: &format!("agreement:{new_id}"),
            path: Some(&a.org_path),
            before: Some(format!("agreement:{id}")),
            after: Some(format!(
                "{{\"needs\":{},\"resources\":{},\"projects\":{},\"problems\":{}}}",
                carried[0], carried[1], carried[2], carried[3]
            )),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(detail)
}

async fn detail_in(tx: &mut Tx, id: i64, today: NaiveDate) -> Result<AgreementDetail, OpsError> {
    let agreement = store::by_id(tx, id, today)
        .await?
        .ok_or_else(|| OpsError::not_found("共建协议", id))?;
    let commitments = store::commitments(tx, id).await?;
    let lists = store::lists(tx, id)
        .await?
        .into_iter()
        .map(|i| ListItem {
            list: i.list,
            id: i.id,
            title: i.title,
            status: i.status,
        })
        .collect();
    Ok(AgreementDetail {
        agreement: agreement.into(),
        commitments: commitments.into_iter().map(Into::into).collect(),
        lists,
    })
}

/// The agreement `id` as the actor may see it, else not found: asked before anything else of
/// it (its commitments, its lists) is read.
async fn resolve(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
    today: NaiveDate,
) -> Result<Agreement, OpsError> {
    let a: Agreement = store::by_id(tx, id, today)
        .await?
        .ok_or_else(|| OpsError::not_found("共建协议", id))?
        .into();
    may_see(actor, &a)?;
    Ok(a)
}

/// Whoever may see an agreement: its unit's liaison, or readers of the org it is with; to
/// anyone else it answers as one that does not exist.
fn may_see(actor: &Actor, a: &Agreement) -> Result<(), OpsError> {
    if actor.unit_id() == Some(a.unit_id) {
        Ok(())
    } else {
        actor.reach(&a.org_path, "共建协议", a.id)
    }
}

/// The commitments of a page of agreements the actor was given by [`list`], each asked of the
/// policy again, in one read.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "commitments_of"))]
pub async fn commitments_of(
    db: &Db,
    actor: &Actor,
    agreements: &[Agreement],
) -> Result<Vec<Commitment>, OpsError> {
    for a in agreements {
        may_see(actor, a)?;
    }
    let ids: Vec<i64> = agreements.iter().map(|a| a.id).collect();
    let mut tx = db.read().await?;
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        out.extend(
            store::commitments_of(&mut tx, chunk)
                .await?
                .into_iter()
                .map(Commitment::from),
        );
    }
    Ok(out)
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "show"))]
pub async fn show(db: &Db, actor: &Actor, id: i64) -> Result<AgreementDetail, OpsError> {
    let (mut tx, today) = (db.read().await?, clock::today());
    resolve(&mut tx, actor, id, today).await?;
    detail_in(&mut tx, id, today).await
}

/// Adds a commitment to a signed agreement.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "add_commitment"))]
pub async fn add_commitment(
    db: &Db,
    actor: &Actor,
    agreement: i64,
    c: CommitmentInput,
) -> Result<AgreementDetail, OpsError> {
    let today = clock::today();
    let mut tx = db.write().await?;
    let a = store::by_id(&mut tx, agreement, today)
        .await?
        .ok_or_else(|| OpsError::not_found("共建协议", agreement))?;
    actor.reach(&a.org_path, "共建协议", agreement)?;
    actor.may_write(&a.org_path)?;
    let due = text::date("due_on", required("due_on", &c.due_on)?)?;
    let item = rules::commitment(a.year, required("title", &c.title)?, due)?;
    let id = store::add_commitment(&mut tx, agreement, &item.title, item.due_on).await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "agreement.commitment.add",
            target: &format!("agreement:{agreement}"),
            path: Some(&a.org_path),
            before: None,
            after: serde_json::to_string(&(id, &item.title, item.due_on)).ok(),
        },
    )
    .await?;
    let d = detail_in(&mut tx, agreement, today).await?;
    tx.commit().await?;
    Ok(d)
}

/// Marks a commitment fulfilled on a day (today unless given), or with `on` of `None` and
/// `undo`, takes the mark back.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "set_done"))]
pub async fn set_done(
    db: &Db,
    actor: &Actor,
    id: i64,
    on: Option<String>,
    undo: bool,
) -> Result<Commitment, OpsError> {
    let today = clock::today();
    let mut tx = db.write().await?;
    let before = store::commitment(&mut tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("履职事项", id))?;
    let a = store::by_id(&mut tx, before.agreement_id, today)
        .await?
        .ok_or_else(|| OpsError::not_found("履职事项", id))?;
    if actor.unit_id() != Some(a.unit_id) {
        actor.reach(&a.org_path, "履职事项", id)?;
    }
    actor.may_act_for(None, Some(a.unit_id), &a.org_path)?;
    let (done, by) = if undo {
        if before.done_on.is_none() {
            return Err(OpsError::conflict(
                "done_on",
                id,
                msg!("该事项尚未标记完成"),
            ));
        }
        (None, None)
    } else {
        let on = match opt(&on) {
            Some(s) => text::date("done_on", s)?,
            None => today,
        };
        // A unit marks its own commitments on the day; only the community or street it
        // answers to may record an earlier day, so a unit cannot backdate itself on time.
        if on != today && actor.may_write(&a.org_path).is_err() {
            return Err(Invalid::new(
                "done_on",
                on,
                msg!("只有社区（街道）可以补记以前的完成日期"),
            )
            .into());
        }
        (
            Some(rules::done_on(a.year, on, today)?),
            Some(actor.audit_name()),
        )
    };
    store::set_done(&mut tx, id, done, by.as_deref()).await?;
    let after = store::commitment(&mut tx, id).await?.expect("still there");
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: if undo {
                "agreement.commitment.undo"
            } else {
                "agreement.commitment.done"
            },
            target: &format!("agreement:{}", a.id),
            path: Some(&a.org_path),
            before: serde_json::to_string(&before).ok(),
            after: serde_json::to_string(&after).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after.into())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListAgreements {
    pub within: Option<String>,
    pub year: Option<i32>,
    /// The `next` of the page before.
    pub after: Option<String>,
    /// Rows a page, 50 unless asked (1–500).
    pub limit: Option<i64>,
}

/// The year's agreements in a scope (a liaison sees their own unit's), by org, a page at a
/// time by keyset.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "list"))]
pub async fn list(db: &Db, actor: &Actor, q: ListAgreements) -> Result<Page<Agreement>, OpsError> {
    let today = clock::today();
    let year = q.year.unwrap_or(today.year());
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let mut tx = db.read().await?;
    if let Some(unit) = actor.unit_id() {
        let rows: Vec<AgreementRow> = store::of_unit(&mut tx, unit, today)
            .await?
            .into_iter()
            .filter(|a| a.year == year)
            .collect();
        return Ok(Page::whole(rows));
    }
    let path = crate::orgs::within_path(&mut tx, actor, &q.within).await?;
    // The cursor is the last agreement shown: one outside this list (another scope, another
    // year, or none) is refused alike, naming nothing about it.
    let after = match opt(&q.after) {
        None => None,
        Some(raw) => {
            let bad = || Invalid::new("after", raw, msg!("翻页位置无效，请从第一页重新开始"));
            let id: i64 = raw.parse().map_err(|_| bad())?;
            let row = store::by_id(&mut tx, id, today).await?.ok_or_else(bad)?;
            if row.year != year || !OrgPath(path.clone()).contains(&OrgPath(row.org_path.clone())) {
                return Err(bad().into());
            }
            Some((row.org_path, row.id))
        }
    };
    let rows = store::within(
        &mut tx,
        &path,
        year,
        today,
        after.as_ref().map(|(p, id)| (p.as_str(), *id)),
        limit + 1,
    )
    .await?;
    Ok(Page::after_last(
        rows,
        limit,
        |a| a.id.to_string(),
        Into::into,
    ))
}

/// A unit's agreements, for its page.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "of_unit"))]
pub async fn of_unit(db: &Db, actor: &Actor, unit: i64) -> Result<Vec<Agreement>, OpsError> {
    let mut tx = db.read().await?;
    let u = units::by_id(&mut tx, unit)
        .await?
        .ok_or_else(|| OpsError::not_found("驻区单位", unit))?;
    actor.may_read_unit(u.id, &u.division_code)?;
    Ok(store::of_unit(&mut tx, unit, clock::today())
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Agreement {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub org_id: i64,
    pub org_code: String,
    pub org_name: String,
    pub org_path: String,
    pub year: i32,
    pub signed_on: chrono::NaiveDate,
    pub created_by: String,
    /// Commitments listed, fulfilled, fulfilled by their due date, and past due undone.
    pub items: i64,
    pub done: i64,
    pub on_time: i64,
    pub overdue: i64,
}

impl From<jiceng_store::cobuilding::AgreementRow> for Agreement {
    fn from(r: jiceng_store::cobuilding::AgreementRow) -> Self {
        Agreement {
            id: r.id,
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            org_id: r.org_id,
            org_code: r.org_code,
            org_name: r.org_name,
            org_path: r.org_path,
            year: r.year,
            signed_on: r.signed_on,
            created_by: r.created_by,
            items: r.items,
            done: r.done,
            on_time: r.on_time,
            overdue: r.overdue,
        }
    }
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Commitment {
    pub id: i64,
    pub agreement_id: i64,
    pub title: String,
    pub due_on: chrono::NaiveDate,
    pub done_on: Option<chrono::NaiveDate>,
    pub done_by: Option<String>,
}

impl From<jiceng_store::cobuilding::CommitmentRow> for Commitment {
    fn from(r: jiceng_store::cobuilding::CommitmentRow) -> Self {
        Commitment {
            id: r.id,
            agreement_id: r.agreement_id,
            title: r.title,
            due_on: r.due_on,
            done_on: r.done_on,
            done_by: r.done_by,
        }
    }
}
