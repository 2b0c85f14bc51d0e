//! The audit trail: one entry per write (and per unmasked view of personal data), appended
//! in the same transaction, chained by hashes. The head row serialises appends: PostgreSQL
//! holds its row lock until commit, SQLite has one writer at a time anyway.

use crate::db::on;
use crate::keyset::{Args, Scope, fetch};
use crate::{StoreError, Tx};
use chrono::{DateTime, SubsecRound, Utc};
use jiceng_domain::audit::{AuditKey, Link, hash};
use jiceng_domain::{OrgLevel, OrgPath, clock};

pub struct Entry<'a> {
    pub actor: &'a str,
    pub operation: &'a str,
    pub target: &'a str,
    /// The org path the target sits under, so a scoped admin sees only its subtree's entries.
    pub path: Option<&'a str>,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, serde::Deserialize)]
pub struct EntryRow {
    pub id: i64,
    pub seq: Option<i64>,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub operation: String,
    pub target: String,
    pub path: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
    /// The id of the key that signed the entry; none for entries from before keys.
    pub key_id: Option<String>,
}

const COLUMNS: &str =
    "id, seq, at, actor, operation, target, path, before_json, after_json, prev_hash, hash, key_id";

impl EntryRow {
    /// The entry as its hash covers it, at `seq`.
    pub fn link(&self, seq: i64) -> Link<'_> {
        Link {
            seq,
            at_micros: self.at.timestamp_micros(),
            actor: &self.actor,
            operation: &self.operation,
            target: &self.target,
            path: self.path.as_deref(),
            before: self.before_json.as_deref(),
            after: self.after_json.as_deref(),
        }
    }
}

pub async fn append(tx: &mut Tx, e: Entry<'_>) -> Result<(), StoreError> {
    append_many(tx, std::slice::from_ref(&e)).await
}

/// Appends several entries in order, linking them in one step. On PostgreSQL that is two
/// statements however many there are: the head locked and read with the districts and streets
/// of the entries' paths, then the entries inserted and the head moved.
pub async fn append_many(tx: &mut Tx, entries: &[Entry<'_>]) -> Result<(), StoreError> {
    if entries.is_empty() {
        return Ok(());
    }
    let key = crate::audit_key::current()?;
    let at = clock::now().trunc_subsecs(6);
    // Each entry's path as its org ids, parsed once: the levels are looked up for all of
    // them together, then picked per entry.
    let paths: Vec<Vec<i64>> = entries
        .iter()
        .map(|e| {
            e.path
                .map(|p| OrgPath(p.to_string()).ids())
                .unwrap_or_default()
        })
        .collect();
    let mut orgs: Vec<i64> = paths.iter().flatten().copied().collect();
    orgs.sort_unstable();
    orgs.dedup();
    let (last, mut prev, levels) = locked_head(tx, &orgs).await?;
    let level_of = |ids: &[i64], level: OrgLevel| {
        levels
            .iter()
            .find(|(id, l)| *l == level && ids.contains(id))
            .map(|(id, _)| *id)
    };
    let mut rows = Vec::with_capacity(entries.len());
    for (i, (e, ids)) in entries.iter().zip(&paths).enumerate() {
        let seq = last + 1 + i as i64;
        let link = Link {
            seq,
            at_micros: at.timestamp_micros(),
            actor: e.actor,
            operation: e.operation,
            target: e.target,
            path: e.path,
            before: e.before.as_deref(),
            after: e.after.as_deref(),
        };
        let h = hash(Some(&key), &prev, &link);
        let prev_hash = std::mem::replace(&mut prev, h.clone());
        rows.push(Row {
            seq,
            e,
            prev: prev_hash,
            hash: h,
            district: level_of(ids, OrgLevel::District),
            street: level_of(ids, OrgLevel::Street),
        });
    }
    let head = (last + rows.len() as i64, prev.as_str());
    if let Tx::Pg(c) = tx {
        // One statement text whatever the count (arrays), so it is prepared once.
        sqlx::query(
            "WITH x AS (INSERT INTO audit_log (seq, at, actor, operation, target, path, before_json, after_json, \
             prev_hash, hash, key_id, district_org_id, street_org_id) SELECT s, $2, a, o, t, p, b, f, ph, h, $11, d, st \
             FROM UNNEST($1::BIGINT[], $3::TEXT[], $4::TEXT[], $5::TEXT[], $6::TEXT[], $7::TEXT[], $8::TEXT[], \
             $9::TEXT[], $10::TEXT[], $12::BIGINT[], $13::BIGINT[]) AS x (s, a, o, t, p, b, f, ph, h, d, st)) \
             UPDATE audit_head SET seq = $14, last_hash = $15 WHERE id = 1",
        )
        .bind(rows.iter().map(|r| r.seq).collect::<Vec<_>>())
        .bind(at)
        .bind(rows.iter().map(|r| r.e.actor).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.e.operation).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.e.target).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.e.path).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.e.before.as_deref()).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.e.after.as_deref()).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.prev.as_str()).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.hash.as_str()).collect::<Vec<_>>())
        .bind(key.id())
        .bind(rows.iter().map(|r| r.district).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.street).collect::<Vec<_>>())
        .bind(head.0)
        .bind(head.1)
        .execute(&mut **c)
        .await?;
        return Ok(());
    }
    for chunk in rows.chunks(500) {
        let sql = format!(
            "INSERT INTO audit_log (seq, at, actor, operation, target, path, before_json, after_json, prev_hash, hash, key_id, \
             district_org_id, street_org_id) VALUES {}",
            crate::values_list(tx.backend(), chunk.len(), 13)
        );
        on!(tx, c => {
            let mut q = sqlx::query(&sql);
            for r in chunk {
                q = q.bind(r.seq).bind(at).bind(r.e.actor).bind(r.e.operation).bind(r.e.target).bind(r.e.path)
                    .bind(&r.e.before).bind(&r.e.after).bind(&r.prev).bind(&r.hash).bind(key.id())
                    .bind(r.district).bind(r.street);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    on!(tx, c => sqlx::query("UPDATE audit_head SET seq = $1, last_hash = $2 WHERE id = 1")
        .bind(head.0).bind(head.1).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// An entry as it is inserted, linked.
struct Row<'a> {
    seq: i64,
    e: &'a Entry<'a>,
    prev: String,
    hash: String,
    district: Option<i64>,
    street: Option<i64>,
}

/// The head of the chain (last sequence number, last hash), locked until the transaction
/// ends, and which of `orgs` are districts and streets.
async fn locked_head(
    tx: &mut Tx,
    orgs: &[i64],
) -> Result<(i64, String, Vec<(i64, OrgLevel)>), StoreError> {
    if let Tx::Pg(c) = tx {
        let (seq, last, districts, streets): (i64, String, Vec<i64>, Vec<i64>) = sqlx::query_as(
            "SELECT h.seq, h.last_hash, \
             ARRAY(SELECT o.id FROM orgs o WHERE o.id = ANY($1) AND o.level = 'district'), \
             ARRAY(SELECT o.id FROM orgs o WHERE o.id = ANY($1) AND o.level = 'street') \
             FROM audit_head h WHERE h.id = 1 FOR UPDATE OF h",
        )
        .bind(orgs)
        .fetch_one(&mut **c)
        .await?;
        let levels = districts
            .into_iter()
            .map(|id| (id, OrgLevel::District))
            .chain(streets.into_iter().map(|id| (id, OrgLevel::Street)))
            .collect();
        return Ok((seq, last, levels));
    }
    // SQLite has one writer at a time: the head needs no lock.
    let (seq, last) = head(tx).await?;
    if orgs.is_empty() {
        return Ok((seq, last, Vec::new()));
    }
    let mut levels = Vec::new();
    // In lists of at most 500, well inside SQLite's limit on bound values.
    for chunk in orgs.chunks(500) {
        let sql = format!(
            "SELECT id, level FROM orgs WHERE id IN ({}) AND level IN ('district', 'street')",
            crate::in_list(1, chunk.len())
        );
        levels.extend(on!(tx, c => {
            let mut q = sqlx::query_as::<_, (i64, OrgLevel)>(&sql);
            for id in chunk {
                q = q.bind(id);
            }
            q.fetch_all(c).await
        })?);
    }
    Ok((seq, last, levels))
}

/// Links the entry `id`, written before the chain existed, at the head of the chain.
async fn relink(tx: &mut Tx, id: i64, at: DateTime<Utc>, e: &Entry<'_>) -> Result<(), StoreError> {
    let key = crate::audit_key::current()?;
    let (seq, prev): (i64, String) = on!(tx, c => sqlx::query_as(
        "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, last_hash").fetch_one(c).await)?;
    let link = Link {
        seq,
        at_micros: at.timestamp_micros(),
        actor: e.actor,
        operation: e.operation,
        target: e.target,
        path: e.path,
        before: e.before.as_deref(),
        after: e.after.as_deref(),
    };
    let h = hash(Some(&key), &prev, &link);
    on!(tx, c => sqlx::query(
        "UPDATE audit_log SET seq = $1, at = $2, prev_hash = $3, hash = $4, key_id = $5 WHERE id = $6")
        .bind(seq).bind(at).bind(&prev).bind(&h).bind(key.id()).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    on!(tx, c => sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1").bind(&h).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Links entries written before the chain existed, oldest first.
pub async fn seal_unchained(tx: &mut Tx) -> Result<u64, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE seq IS NULL ORDER BY id");
    let rows: Vec<EntryRow> = on!(tx, c => sqlx::query_as::<_, EntryRow>(&sql).fetch_all(c).await)?;
    for r in &rows {
        let e = Entry {
            actor: &r.actor,
            operation: &r.operation,
            target: &r.target,
            path: r.path.as_deref(),
            before: r.before_json.clone(),
            after: r.after_json.clone(),
        };
        relink(tx, r.id, r.at.trunc_subsecs(6), &e).await?;
    }
    Ok(rows.len() as u64)
}

/// Signs with `key` the entries linked before keys (plain SHA-256), oldest first, as long as
/// their plain chain holds: a chain already broken keeps its plain hashes from the break on,
/// for verification to report. Returns how many entries were signed.
pub async fn sign_plain_entries(tx: &mut Tx, key: &AuditKey) -> Result<u64, StoreError> {
    // The usual case, asked cheaply at every start: the first entry is signed, or none exists.
    let first: Option<Option<String>> = on!(tx, c => sqlx::query_scalar::<_, Option<String>>(
        "SELECT key_id FROM audit_log WHERE seq IS NOT NULL ORDER BY seq LIMIT 1").fetch_optional(c).await)?;
    if !matches!(first, Some(None)) {
        return Ok(0);
    }
    let mut plain_prev = String::new();
    let mut keyed_prev = String::new();
    let mut signed = 0u64;
    let mut after = 0i64;
    loop {
        let batch = chain_after(tx, after, 5000).await?;
        let Some(last) = batch.last() else { break };
        after = last.seq.unwrap_or(after);
        for r in &batch {
            let seq = r.seq.unwrap_or(0);
            if r.key_id.is_some() {
                // Already signed: the plain part ended before.
                return Ok(signed);
            }
            let plain = hash(None, &plain_prev, &r.link(seq));
            if r.prev_hash.as_deref() != Some(plain_prev.as_str())
                || r.hash.as_deref() != Some(&plain)
            {
                return Ok(signed);
            }
            let keyed = hash(Some(key), &keyed_prev, &r.link(seq));
            on!(tx, c => sqlx::query("UPDATE audit_log SET prev_hash = $1, hash = $2, key_id = $3 WHERE id = $4")
                .bind(&keyed_prev).bind(&keyed).bind(key.id()).bind(r.id).execute(c).await.map(|r| r.rows_affected()))?;
            plain_prev = plain;
            keyed_prev = keyed;
            signed += 1;
        }
    }
    let (_, head_hash) = head(tx).await?;
    if signed > 0 && head_hash == plain_prev {
        on!(tx, c => sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1").bind(&keyed_prev).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(signed)
}

/// The key that signed the newest entry, if any entry is signed.
pub async fn last_key_id(tx: &mut Tx) -> Result<Option<String>, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar::<_, Option<String>>(
        "SELECT key_id FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1").fetch_optional(c).await)?.flatten())
}

/// Entries outside the chain (no sequence number), which verification reports.
pub async fn unchained(tx: &mut Tx) -> Result<Vec<i64>, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar::<_, i64>(
        "SELECT id FROM audit_log WHERE seq IS NULL ORDER BY id LIMIT 10").fetch_all(c).await)?)
}

/// The chain's head: (last sequence number, last hash).
pub async fn head(tx: &mut Tx) -> Result<(i64, String), StoreError> {
    Ok(
        on!(tx, c => sqlx::query_as("SELECT seq, last_hash FROM audit_head WHERE id = 1").fetch_one(c).await)?,
    )
}

/// Entries with seq above `after`, in chain order.
pub async fn chain_after(tx: &mut Tx, after: i64, limit: i64) -> Result<Vec<EntryRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2");
    Ok(
        on!(tx, c => sqlx::query_as::<_, EntryRow>(&sql).bind(after).bind(limit).fetch_all(c).await)?,
    )
}

/// Filters for browsing the trail.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only entries written under this scope (`All`: every entry, those with no path too).
    /// Entries keep their district and street; a narrower scope is a `Path`.
    pub scope: Scope,
    pub actor: Option<String>,
    pub operation: Option<String>,
    pub target: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// Newest first, a page at a time: `before` is the seq of the last entry of the previous page.
/// A scope reads its own level's `(level, seq)` index backwards; an actor, its `(actor, seq)`.
pub async fn browse(
    tx: &mut Tx,
    f: &AuditFilter,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<EntryRow>, StoreError> {
    let mut a = Args::default();
    let mut w = vec!["seq IS NOT NULL".to_string()];
    w.extend(a.scope_with("", "path", &f.scope));
    if let Some(b) = before {
        w.push(format!("seq < {}", a.int(b)));
    }
    if let Some(x) = &f.actor {
        w.push(format!("actor = {}", a.text(x)));
    }
    if let Some(x) = &f.operation {
        w.push(format!("operation LIKE {} || '%'", a.text(x)));
    }
    if let Some(x) = &f.target {
        w.push(format!("target = {}", a.text(x)));
    }
    if let Some(x) = f.from {
        w.push(format!("at >= {}", a.time(x)));
    }
    if let Some(x) = f.to {
        w.push(format!("at < {}", a.time(x)));
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM audit_log WHERE {} ORDER BY seq DESC LIMIT {}",
        w.join(" AND "),
        a.int(limit)
    );
    fetch(tx, &sql, &a).await
}

pub async fn for_target(tx: &mut Tx, target: &str) -> Result<Vec<EntryRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE target = $1 ORDER BY seq");
    Ok(on!(tx, c => sqlx::query_as::<_, EntryRow>(&sql).bind(target).fetch_all(c).await)?)
}
