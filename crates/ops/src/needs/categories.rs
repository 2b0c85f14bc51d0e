//! The categories needs and resources are filed under: data a city keeps, not code. Everyone
//! signed in reads them (forms offer them); the administrators add and rename them. A code,
//! once given, stays: needs filed under it keep it.

use crate::input::required;
use crate::{Actor, OpsError};
use jiceng_domain::needs::{category_code, top_of};
use jiceng_domain::{Invalid, msg, text};
use jiceng_store::needs as store;
use jiceng_store::{Db, audit};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NeedCategory {
    pub code: String,
    pub name: String,
    /// The top category of a subcategory; none for a top category.
    pub parent: Option<String>,
}

pub async fn list(db: &Db) -> Result<Vec<NeedCategory>, OpsError> {
    let mut tx = db.read().await?;
    Ok(store::categories(&mut tx)
        .await?
        .into_iter()
        .map(|c| NeedCategory {
            code: c.code,
            name: c.name,
            parent: c.parent_code,
        })
        .collect())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CategoryInput {
    /// `top` or `top.sub`: a subcategory's top must exist.
    pub code: Option<String>,
    pub name: Option<String>,
}

/// Adds a category, or renames one that exists.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "put_need_category"))]
pub async fn put(db: &Db, actor: &Actor, input: CategoryInput) -> Result<NeedCategory, OpsError> {
    actor.may_administer()?;
    let code = category_code(required("code", &input.code)?)?;
    let name = text::name("name", required("name", &input.name)?, 20)?;
    let parent = (top_of(&code) != code).then(|| top_of(&code).to_string());
    let mut tx = db.write().await?;
    let before = store::category(&mut tx, &code).await?;
    match &before {
        Some(_) => {
            store::rename_category(&mut tx, &code, &name).await?;
        }
        None => {
            if let Some(p) = &parent
                && store::category(&mut tx, p).await?.is_none()
            {
                return Err(Invalid::new("code", &code, msg!("大类 {top} 不存在", top = p)).into());
            }
            store::add_category(&mut tx, &code, &name, parent.as_deref()).await?;
        }
    }
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "need_category.put",
            target: &format!("need_category:{code}"),
            path: None,
            before: before.map(|b| b.name),
            after: Some(name.clone()),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(NeedCategory { code, name, parent })
}
