//! Reading the audit trail: browsing it within one's scope, and verifying its hash chain.

use crate::input::opt;
use crate::{Actor, OpsError, Page};
use jiceng_domain::audit::hash;
use jiceng_domain::msg;
use jiceng_domain::{Invalid, text};
use jiceng_store::Db;
use jiceng_store::audit::{self, AuditFilter};
use serde::{Deserialize, Serialize};

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
    let filter = AuditFilter {
        within: Some(within),
        actor: opt(&q.actor).map(str::to_string),
        operation: opt(&q.operation).map(str::to_string),
        target: opt(&q.target).map(str::to_string),
        from: day_start("from", &q.from, 0)?,
        to: day_start("to", &q.to, 1)?,
    };
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let mut tx = db.read().await?;
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

/// The outcome of checking the chain.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Verification {
    pub entries: i64,
    /// The first entry whose link does not hold, and why.
    pub first_broken: Option<Broken>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Broken {
    pub seq: i64,
    pub id: i64,
    pub reason: String,
}

/// Walks the whole chain from the first entry and reports the first broken link.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "verify"))]
pub async fn verify(db: &Db, actor: &Actor) -> Result<Verification, OpsError> {
    if actor.may_read_audit()? != "/" {
        return Err(OpsError::Forbidden(msg!("校验审计链需要全域权限")));
    }
    let key = jiceng_store::audit_key::current()?;
    // One snapshot for the whole walk: entries appended meanwhile are neither half seen nor
    // mistaken for deletions.
    let mut tx = db.snapshot().await?;
    let (head_seq, head_hash) = audit::head(&mut tx).await?;
    if let Some(id) = audit::unchained(&mut tx).await?.first() {
        return Ok(Verification {
            entries: 0,
            first_broken: Some(Broken {
                seq: 0,
                id: *id,
                reason: "有不在链上的记录（没有序号）".into(),
            }),
        });
    }
    let mut prev = String::new();
    let mut expected = 1i64;
    loop {
        let batch = audit::chain_after(&mut tx, expected - 1, 5000).await?;
        if batch.is_empty() {
            break;
        }
        for r in &batch {
            let seq = r.seq.unwrap_or(0);
            let broken = |reason: String| Verification {
                entries: expected - 1,
                first_broken: Some(Broken {
                    seq,
                    id: r.id,
                    reason,
                }),
            };
            if seq != expected {
                return Ok(broken(format!(
                    "序号不连续：应为 {expected}，实为 {seq}（有记录被删除）"
                )));
            }
            if r.prev_hash.as_deref() != Some(prev.as_str()) {
                return Ok(broken(
                    "前一条记录的哈希不符（前面的记录被改动或删除）".into(),
                ));
            }
            if r.key_id.as_deref() != Some(key.id()) {
                return Ok(broken(match &r.key_id {
                    Some(id) => {
                        format!("签名密钥 {id} 不是本系统的密钥（记录被伪造，或密钥已更换）")
                    }
                    None => "未签名的记录（升级前的链已断开，或记录被改写）".into(),
                }));
            }
            let h = hash(Some(key), &prev, &r.link(seq));
            if r.hash.as_deref() != Some(h.as_str()) {
                return Ok(broken(
                    "本条记录的内容与签名不符（记录被改动，或签名密钥不对）".into(),
                ));
            }
            prev = h;
            expected += 1;
        }
    }
    let entries = expected - 1;
    if head_seq != entries || head_hash != prev {
        return Ok(Verification {
            entries,
            first_broken: Some(Broken {
                seq: entries + 1,
                id: 0,
                reason: format!(
                    "链尾应到第 {head_seq} 条，实际只有 {entries} 条（末尾记录被删除）"
                ),
            }),
        });
    }
    Ok(Verification {
        entries,
        first_broken: None,
    })
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
