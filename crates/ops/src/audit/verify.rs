//! Verifying the live chain: from the newest archive's signed anchor (or the first entry) to
//! the head, each entry checked with the key that signed it.

use super::note_reading;
use crate::{Actor, OpsError};
use jiceng_domain::audit::{Anchor, RETIRED_KEY_GRACE, hash};
use jiceng_domain::msg;
use jiceng_store::audit::{self, EntryRow};
use jiceng_store::audit_archive::AnchorRow;
use jiceng_store::audit_key::{self, Ring};
use jiceng_store::{Db, Tx, audit_archive};
use serde::Serialize;

/// The outcome of checking the chain.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Verification {
    /// Entries checked.
    pub entries: i64,
    /// The first entry whose link does not hold, and why.
    pub first_broken: Option<Broken>,
    /// Entries up to this sequence number were archived; the check starts after them.
    pub archived_upto: Option<i64>,
    /// The ids of the keys this deployment verifies with, the current one first.
    pub keys: Vec<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Broken {
    pub seq: i64,
    pub id: i64,
    pub reason: String,
}

/// Follows a chain entry by entry: the live one in the database, or one in an archive file.
pub(crate) struct Walk<'a> {
    ring: &'a Ring,
    pub prev: String,
    pub next_seq: i64,
    pub checked: i64,
}

impl<'a> Walk<'a> {
    /// A walk that expects `next_seq` next, linked to `prev`.
    pub fn new(ring: &'a Ring, next_seq: i64, prev: String) -> Walk<'a> {
        Walk {
            ring,
            prev,
            next_seq,
            checked: 0,
        }
    }

    /// Checks the next entry; the reason it breaks the chain, if it does.
    pub fn step(&mut self, r: &EntryRow) -> Result<(), Broken> {
        let seq = r.seq.unwrap_or(0);
        let broken = |reason: String| Broken {
            seq,
            id: r.id,
            reason,
        };
        if seq != self.next_seq {
            return Err(broken(format!(
                "序号不连续：应为 {}，实为 {seq}（有记录被删除）",
                self.next_seq
            )));
        }
        if r.prev_hash.as_deref() != Some(self.prev.as_str()) {
            return Err(broken(
                "前一条记录的哈希不符（前面的记录被改动或删除）".into(),
            ));
        }
        let key = match &r.key_id {
            Some(id) => self.ring.get(id).ok_or_else(|| {
                broken(format!(
                    "签名密钥 {id} 不在本系统的密钥中（记录被伪造，或轮换下来的密钥文件缺失）"
                ))
            })?,
            None => {
                return Err(broken(
                    "未签名的记录（升级前的链已断开，或记录被改写）".into(),
                ));
            }
        };
        if let Some(at) = r.key_id.as_deref().and_then(|id| self.ring.retired_at(id))
            && seq > at + RETIRED_KEY_GRACE
        {
            return Err(broken(format!(
                "签名密钥 {} 已在第 {at} 条轮换下来，不应再签第 {seq} 条（旧密钥被冒用）",
                r.key_id.as_deref().unwrap_or_default()
            )));
        }
        let h = hash(Some(key), &self.prev, &r.link(seq));
        if r.hash.as_deref() != Some(h.as_str()) {
            return Err(broken(
                "本条记录的内容与签名不符（记录被改动，或签名密钥不对）".into(),
            ));
        }
        self.prev = h;
        self.next_seq += 1;
        self.checked += 1;
        Ok(())
    }
}

/// Walks the live chain from its start and reports the first broken link. Needs the whole
/// deployment in view: the audit administrator, or before the split the district one.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "verify"))]
pub async fn verify(db: &Db, actor: &Actor) -> Result<Verification, OpsError> {
    if actor.may_read_audit()? != "/" {
        return Err(OpsError::Forbidden(msg!("校验审计链需要全域权限")));
    }
    note_reading(db, actor, "audit.verify", serde_json::json!({})).await?;
    // Another process may have rotated the key since this one started.
    let ring = audit_key::reload()?;
    // One snapshot for the whole walk: entries appended meanwhile are neither half seen nor
    // mistaken for deletions.
    let mut tx = db.snapshot().await?;
    let (head_seq, head_hash) = audit::head(&mut tx).await?;
    let anchors = audit_archive::all(&mut tx).await?;
    let anchor = anchors.last().cloned();
    let done = |entries: i64, first_broken: Option<Broken>| Verification {
        entries,
        first_broken,
        archived_upto: anchor.as_ref().map(|a| a.upto_seq),
        keys: ring.ids(),
    };
    if let Some(id) = audit::unchained(&mut tx).await?.first() {
        return Ok(done(
            0,
            Some(Broken {
                seq: 0,
                id: *id,
                reason: "有不在链上的记录（没有序号）".into(),
            }),
        ));
    }
    let (start, prev) = match anchors_hold(&ring, &anchors) {
        Ok(start) => start,
        Err(b) => return Ok(done(0, Some(b))),
    };
    let mut walk = Walk::new(&ring, start, prev);
    loop {
        let batch = audit::chain_after(&mut tx, walk.next_seq - 1, 5000).await?;
        if batch.is_empty() {
            break;
        }
        for r in &batch {
            if let Err(b) = walk.step(r) {
                return Ok(done(walk.checked, Some(b)));
            }
        }
    }
    if let Err(b) = nothing_below(&mut tx, start).await? {
        return Ok(done(walk.checked, Some(b)));
    }
    if head_seq != walk.next_seq - 1 || head_hash != walk.prev {
        return Ok(done(
            walk.checked,
            Some(Broken {
                seq: walk.next_seq,
                id: 0,
                reason: format!(
                    "链尾应到第 {head_seq} 条，实际只到第 {} 条（末尾记录被删除）",
                    walk.next_seq - 1
                ),
            }),
        ));
    }
    Ok(done(walk.checked, None))
}

/// Checks the archives' anchors, oldest first: each signed, each starting where the one
/// before ended and naming its signature. Returns where the live chain starts (its first
/// sequence number and the hash it links to), or the first anchor that does not hold.
pub(crate) fn anchors_hold(ring: &Ring, anchors: &[AnchorRow]) -> Result<(i64, String), Broken> {
    let mut from = 1;
    let mut prev_signature = String::new();
    let mut last_hash = String::new();
    for a in anchors {
        let broken = |reason: String| Broken {
            seq: a.upto_seq,
            id: 0,
            reason,
        };
        if a.from_seq != from || a.prev_signature != prev_signature {
            return Err(broken(format!(
                "归档锚点不连续：第 {}–{} 条的归档之前应从第 {from} 条起（归档记录被删除或改动）",
                a.from_seq, a.upto_seq
            )));
        }
        let payload = Anchor {
            from_seq: a.from_seq,
            upto_seq: a.upto_seq,
            last_hash: &a.last_hash,
            file_name: &a.file_name,
            file_digest: &a.file_digest,
            entries: a.entries,
            logins: a.logins,
            prev_signature: &a.prev_signature,
        }
        .payload();
        let signed = ring
            .get(&a.key_id)
            .is_some_and(|k| k.sign(&payload) == a.signature);
        if let Some(at) = ring.retired_at(&a.key_id)
            && a.upto_seq > at + RETIRED_KEY_GRACE
        {
            return Err(broken(format!(
                "归档 {} 的锚点由已在第 {at} 条轮换下来的密钥签名（旧密钥被冒用）",
                a.file_name
            )));
        }
        if !signed {
            return Err(broken(format!(
                "归档 {} 的锚点签名不符（归档记录被改动）",
                a.file_name
            )));
        }
        from = a.upto_seq + 1;
        prev_signature = a.signature.clone();
        last_hash = a.last_hash.clone();
    }
    Ok((from, last_hash))
}

/// Entries below the live chain's start: left behind by an archive, or placed there.
pub(crate) async fn nothing_below(tx: &mut Tx, start: i64) -> Result<Result<(), Broken>, OpsError> {
    Ok(match audit_archive::first_live_seq(tx).await? {
        Some(first) if first < start => Err(Broken {
            seq: first,
            id: 0,
            reason: format!("第 {first} 条应已归档，却仍在库中"),
        }),
        _ => Ok(()),
    })
}
