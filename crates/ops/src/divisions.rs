//! Taking divisions in from the national catalogue, and checking codes against them.

use crate::{Actor, OpsError};
use jiceng_domain::division::catalogue;
use jiceng_domain::msg;
use jiceng_domain::{Division, DivisionCode, Invalid};
use jiceng_store::divisions::{self};
use jiceng_store::{Db, Tx, audit};

/// The chain from the province down to `code`, then every division below it.
fn with_ancestors(code: &DivisionCode, below: bool) -> Vec<Division> {
    let cat = catalogue();
    let mut chain = Vec::new();
    let mut cur = code.parent();
    while let Some(c) = cur {
        if let Some(d) = cat.get(&c) {
            chain.push(d);
        }
        cur = c.parent();
    }
    chain.reverse();
    if below {
        chain.extend(cat.subtree(code));
    } else if let Some(d) = cat.get(code) {
        chain.push(d);
    }
    chain
}

/// Resolves a code or an exact name ("莆田市") in the national catalogue.
pub fn find(code_or_name: &str) -> Result<Division, Invalid> {
    let cat = catalogue();
    if code_or_name.trim().bytes().all(|b| b.is_ascii_digit()) {
        let code = DivisionCode::parse(code_or_name)?;
        return cat.get(&code).ok_or_else(|| {
            Invalid::new(
                "division_code",
                code_or_name,
                msg!("不在 2023 年统计用区划代码中"),
            )
        });
    }
    cat.find_by_name(code_or_name.trim()).ok_or_else(|| {
        Invalid::new(
            "division_code",
            code_or_name,
            msg!("找不到这个名称的省、市或区县"),
        )
    })
}

/// Takes a division, its ancestors and everything below it into the deployment.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "take_in"))]
pub async fn take_in(db: &Db, actor: &Actor, code_or_name: &str) -> Result<u64, OpsError> {
    let root = find(code_or_name)?;
    let mut tx = db.write().await?;
    actor.may_administer()?;
    let added = take_in_tx(&mut tx, &root.code, true).await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "division.take_in",
            target: &format!("division:{}", root.code),
            path: None,
            before: None,
            after: Some(format!("{{\"added\":{added}}}")),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(added)
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "take_in_tx"))]
pub async fn take_in_tx(tx: &mut Tx, code: &DivisionCode, below: bool) -> Result<u64, OpsError> {
    Ok(divisions::insert_missing(tx, &with_ancestors(code, below)).await?)
}

/// A division code given by a person: well-formed and present in the national catalogue.
/// A code the deployment has not used yet is taken in on the way.
pub(crate) async fn existing(
    tx: &mut Tx,
    field: &'static str,
    raw: &str,
) -> Result<DivisionItem, OpsError> {
    let code = DivisionCode::parse(raw).map_err(|e| Invalid { field, ..e })?;
    if let Some(row) = divisions::get(tx, &code).await? {
        return Ok(row.into());
    }
    if catalogue().get(&code).is_none() {
        return Err(Invalid::new(field, raw, msg!("不在 2023 年统计用区划代码中")).into());
    }
    take_in_tx(tx, &code, false).await?;
    divisions::get(tx, &code)
        .await?
        .map(Into::into)
        .ok_or_else(|| OpsError::not_found("行政区划", raw))
}

/// Divisions directly below `code` that the deployment holds.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "children"))]
pub async fn children(db: &Db, code: &str) -> Result<Vec<DivisionItem>, OpsError> {
    let code = DivisionCode::parse(code)?;
    let mut tx = db.read().await?;
    Ok(divisions::children(&mut tx, &code)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct DivisionItem {
    pub code: String,
    pub name: String,
    pub level: jiceng_domain::DivisionLevel,
    pub parent_code: Option<String>,
}

impl From<jiceng_store::divisions::DivisionRow> for DivisionItem {
    fn from(r: jiceng_store::divisions::DivisionRow) -> Self {
        DivisionItem {
            code: r.code,
            name: r.name,
            level: r.level,
            parent_code: r.parent_code,
        }
    }
}
