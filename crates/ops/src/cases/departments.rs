//! Functional departments (职能部门) that cases are dispatched and whistled to.

use crate::{Actor, OpsError};
use jiceng_domain::{Invalid, msg, text};
use jiceng_store::cases::{self as store, DepartmentRow};
use jiceng_store::{Db, StoreError, Tx, audit};

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "add"))]
pub async fn add(db: &Db, actor: &Actor, code: &str, name: &str) -> Result<Department, OpsError> {
    actor.may_administer()?;
    let code = code.trim();
    if code.is_empty()
        || code.len() > 32
        || !code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(Invalid::new(
            "code",
            code,
            msg!("部门代码应为 1 到 32 位字母、数字、下划线或连字符"),
        )
        .into());
    }
    let name = text::name("name", name, 60)?;
    let mut tx = db.write().await?;
    let id = store::add_department(&mut tx, code, &name)
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => OpsError::conflict("code", code, msg!("部门代码已存在")),
            e => e.into(),
        })?;
    let row = DepartmentRow {
        id,
        code: code.into(),
        name,
    };
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "department.add",
            target: &format!("department:{id}"),
            path: None,
            before: None,
            after: serde_json::to_string(&row).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(row.into())
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "list"))]
pub async fn list(db: &Db) -> Result<Vec<Department>, OpsError> {
    Ok(store::departments(&mut db.read().await?)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// A department by its code, named as `field` when missing.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "by_code"))]
pub(crate) async fn by_code(
    tx: &mut Tx,
    field: &'static str,
    code: &str,
) -> Result<DepartmentRow, OpsError> {
    store::department_by_code(tx, code.trim())
        .await?
        .ok_or_else(|| Invalid::new(field, code, msg!("没有这个职能部门")).into())
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Department {
    pub id: i64,
    pub code: String,
    pub name: String,
}

impl From<jiceng_store::cases::DepartmentRow> for Department {
    fn from(r: jiceng_store::cases::DepartmentRow) -> Self {
        Department {
            id: r.id,
            code: r.code,
            name: r.name,
        }
    }
}
