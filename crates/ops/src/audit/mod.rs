//! The audit trail: browsing it within one's scope, verifying its hash chain, keeping it
//! (retention, archives) and rotating the key that signs it.

pub mod archive;
pub mod keys;
pub mod retention;
pub mod verify;

pub use verify::{Broken, Verification, verify};

use crate::input::opt;
use crate::{Actor, OpsError, Page};
use jiceng_domain::msg;
use jiceng_domain::{Invalid, Role, text};
use jiceng_store::audit::{self, AuditFilter};
use jiceng_store::keyset::Scope;
use jiceng_store::{Db, Tx};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BrowseAudit {
    pub actor: Option<String>,
    /// An operation or its prefix: "member" matches "member.add", "member.reveal" …
    pub operation: Option<String>,
    pub target: Option<String>,
    /// From this date (Asia/Shanghai), inclusive.
    pub from: Option<String>,
    /// To this date (Asia/Shanghai), inclusive.
    pub to: Option<String>,
    /// The seq of the last entry of the previous page.
    pub before: Option<i64>,
    pub limit: Option<i64>,
}

fn day_start(
    field: &'static str,
    raw: &Option<String>,
    plus_days: i64,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, Invalid> {
    opt(raw)
        .map(|s| {
            let d = text::date(field, s)? + chrono::Days::new(plus_days as u64);
            Ok(jiceng_domain::clock::start_of(d))
        })
        .transpose()
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "browse"))]
pub async fn browse(db: &Db, actor: &Actor, q: BrowseAudit) -> Result<Page<AuditEntry>, OpsError> {
    let within = actor.may_read_audit()?.to_string();
    let mut tx = db.read().await?;
    let filter = AuditFilter {
        scope: log_scope(&mut tx, &within).await?,
        actor: opt(&q.actor).map(str::to_string),
        operation: opt(&q.operation).map(str::to_string),
        target: opt(&q.target).map(str::to_string),
        from: day_start("from", &q.from, 0)?,
        to: day_start("to", &q.to, 1)?,
    };
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    note_reading(
        db,
        actor,
        "audit.browse",
        serde_json::json!({"actor": filter.actor, "operation": filter.operation, "target": filter.target,
            "from": q.from, "to": q.to, "before": q.before}),
    )
    .await?;
    let mut rows = audit::browse(&mut tx, &filter, q.before, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = if more {
        rows.last().and_then(|r| r.seq).map(|s| s.to_string())
    } else {
        None
    };
    Ok(Page {
        items: rows.into_iter().map(Into::into).collect(),
        total: None,
        next,
    })
}

/// Where a reader of the logs looks: lines keep the district and street they were written
/// under, and a scope below a street reads a range over the path.
pub(crate) async fn log_scope(tx: &mut Tx, path: &str) -> Result<Scope, OpsError> {
    Ok(match crate::orgs::scope_of(tx, path).await? {
        Scope::Community(_) => Scope::Path(path.to_string()),
        scope => scope,
    })
}

/// The audit administrator's own reading is audited (三员分立): each look at the trails leaves
/// an entry saying what was asked, in the same trail.
pub(crate) async fn note_reading(
    db: &Db,
    actor: &Actor,
    operation: &str,
    asked: serde_json::Value,
) -> Result<(), OpsError> {
    if actor.role() != Some(Role::AuditAdmin) {
        return Ok(());
    }
    let mut tx = db.write().await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation,
            target: "audit",
            path: None,
            before: None,
            after: Some(asked.to_string()),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deleting an entry of the audit trail or the login log: refused to every role, always.
/// Entries leave the database only by archiving, past the retention, at the command line.
pub fn delete_entry(_actor: &Actor) -> Result<(), OpsError> {
    Err(OpsError::Forbidden(msg!(
        "审计记录和登录日志不能删除：保存期满后由服务器操作员归档（jiceng audit archive）"
    )))
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub seq: Option<i64>,
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    pub operation: String,
    pub target: String,
    pub path: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

impl From<jiceng_store::audit::EntryRow> for AuditEntry {
    fn from(r: jiceng_store::audit::EntryRow) -> Self {
        AuditEntry {
            id: r.id,
            seq: r.seq,
            at: r.at,
            actor: r.actor,
            operation: r.operation,
            target: r.target,
            path: r.path,
            before_json: r.before_json,
            after_json: r.after_json,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}
