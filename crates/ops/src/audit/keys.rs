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
/// first entry the new key signs. Other running processes sign with the old key until they
/// restart, which verification accepts: every entry is checked with its own key.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "rotate_key"))]
pub async fn rotate(db: &Db, actor: &Actor, data_dir: &Path) -> Result<Rotated, OpsError> {
    if !matches!(actor, Actor::Operator { .. }) {
        return Err(OpsError::Forbidden(msg!(
            "审计签名密钥只能由服务器操作员在命令行轮换"
        )));
    }
    let retired = audit_key::current()?.id().to_string();
    let ring = audit_key::rotate(data_dir)?;
    let current = ring.current().id().to_string();
    let mut tx = db.write().await?;
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
    let (seq, _) = audit::head(&mut tx).await?;
    tx.commit().await?;
    // Where the old key stopped: verification refuses it on entries well after this one.
    audit_key::mark_retired(data_dir, &retired, seq)?;
    Ok(Rotated {
        retired,
        current,
        keys: ring.ids(),
    })
}
