//! Rotating the key that signs the audit trail: the server operator's step at the command
//! line, since the keys are files beside the database.

use crate::{Actor, OpsError};
use jiceng_domain::msg;
use jiceng_store::{Db, audit, audit_key};
use serde::Serialize;
use std::path::Path;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Rotated {
    /// The key that signed entries until now, kept among the retired ones.
    pub retired: String,
    /// The key that signs entries from now on.
    pub current: String,
    pub keys: Vec<String>,
}

/// Starts a new key for the deployment whose files are in `data_dir`; the rotation is the
/// first entry the new key signs. Other processes sharing the data directory notice the new
/// key within a second; the old one is accepted a little past the rotation, for writes begun
/// before it, and refused after.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "rotate_key"))]
pub async fn rotate(db: &Db, actor: &Actor, data_dir: &Path) -> Result<Rotated, OpsError> {
    if !matches!(actor, Actor::Operator { .. }) {
        return Err(OpsError::Forbidden(msg!(
            "审计签名密钥只能由服务器操作员在命令行轮换"
        )));
    }
    audit_key::rotatable(data_dir)?;
    let retired = audit_key::current()?.id().to_string();
    // Under the write lock, no entry comes between: the rotation is the next entry, and the
    // old key's bound is written before the files change, so a failed commit still leaves it.
    let mut tx = db.write().await?;
    let (head, _) = audit::head(&mut tx).await?;
    audit_key::mark_retired(data_dir, &retired, head + 1)?;
    let ring = audit_key::rotate(data_dir)?;
    let current = ring.current().id().to_string();
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "audit.rotate_key",
            target: &format!("audit_key:{current}"),
            path: None,
            before: Some(serde_json::json!({ "key_id": retired }).to_string()),
            after: Some(serde_json::json!({ "key_id": current }).to_string()),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Rotated {
        retired,
        current,
        keys: ring.ids(),
    })
}
