//! Points totals kept per (scheme, period, member) (migration 32): which periods are kept,
//! replacing members' totals, and the ranking's reads, each a range of one index.

use crate::db::on;
use crate::keyset::{self, Args, Scope};
use crate::{StoreError, Tx, in_list};
use jiceng_domain::clock;
use jiceng_domain::path::upper;

/// The scheme document a period was kept under, if it is kept.
pub async fn kept_doc(
    tx: &mut Tx,
    scheme: &str,
    period: &str,
) -> Result<Option<String>, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "SELECT scheme_doc FROM points_kept WHERE scheme = $1 AND period = $2")
        .bind(scheme).bind(period).fetch_optional(c).await)?)
}

/// Marks a period kept under a scheme document, its totals just written.
pub async fn mark(tx: &mut Tx, scheme: &str, period: &str, doc: &str) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("DELETE FROM points_kept WHERE scheme = $1 AND period = $2")
        .bind(scheme).bind(period).execute(c).await.map(|r| r.rows_affected()))?;
    on!(tx, c => sqlx::query("INSERT INTO points_kept (scheme, period, built_at, scheme_doc) VALUES ($1, $2, $3, $4)")
        .bind(scheme).bind(period).bind(clock::now()).bind(doc).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Stops keeping a period (its scheme now counts other periods) and drops its totals.
pub async fn unmark(tx: &mut Tx, scheme: &str, period: &str) -> Result<(), StoreError> {
    clear(tx, scheme, period).await?;
    on!(tx, c => sqlx::query("DELETE FROM points_kept WHERE scheme = $1 AND period = $2")
        .bind(scheme).bind(period).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Every kept (scheme, period).
pub async fn periods(tx: &mut Tx) -> Result<Vec<(String, String)>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, (String, String)>(
        "SELECT scheme, period FROM points_kept ORDER BY scheme, period").fetch_all(c).await)?)
}

/// Drops every total of a period, before it is written again whole.
pub async fn clear(tx: &mut Tx, scheme: &str, period: &str) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("DELETE FROM points_totals WHERE scheme = $1 AND period = $2")
        .bind(scheme).bind(period).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Drops the totals of the given members.
pub async fn clear_members(
    tx: &mut Tx,
    scheme: &str,
    period: &str,
    ids: &[i64],
) -> Result<(), StoreError> {
    for chunk in ids.chunks(1000) {
        let sql = format!(
            "DELETE FROM points_totals WHERE scheme = $1 AND period = $2 AND member_id IN ({})",
            in_list(3, chunk.len())
        );
        on!(tx, c => {
            let mut q = sqlx::query(&sql).bind(scheme).bind(period);
            for id in chunk {
                q = q.bind(id);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Drops the totals of the members now in a subtree.
pub async fn clear_within(
    tx: &mut Tx,
    scheme: &str,
    period: &str,
    path: &str,
) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query(
        "DELETE FROM points_totals WHERE scheme = $1 AND period = $2 AND member_id IN \
         (SELECT id FROM members WHERE org_path >= $3 AND org_path < $4)")
        .bind(scheme).bind(period).bind(path).bind(upper(path)).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Writes (member, total) rows whose members have no total kept, each with where the member
/// belongs now.
pub async fn put(
    tx: &mut Tx,
    scheme: &str,
    period: &str,
    rows: &[(i64, i64)],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(2000) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, ${})", 3 + 2 * i, 4 + 2 * i))
            .collect();
        let sql = format!(
            "WITH v (member_id, total) AS (VALUES {}) \
             INSERT INTO points_totals (scheme, period, member_id, district_org_id, street_org_id, community_org_id, org_path, total) \
             SELECT $1, $2, p.id, l.district_org_id, l.street_org_id, l.community_org_id, p.org_path, v.total \
             FROM v JOIN members p ON p.id = v.member_id LEFT JOIN org_levels l ON l.org_id = p.org_id",
            values.join(", ")
        );
        on!(tx, c => {
            let mut q = sqlx::query(&sql).bind(scheme).bind(period);
            for (m, t) in chunk {
                q = q.bind(m).bind(t);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// How many members of the scope are ranked and the sum of their totals.
pub async fn summary(
    tx: &mut Tx,
    scheme: &str,
    period: &str,
    scope: &Scope,
) -> Result<(i64, i64), StoreError> {
    let mut a = Args::default();
    let sql = format!(
        "SELECT COUNT(*), CAST(COALESCE(SUM(total), 0) AS BIGINT) FROM points_totals WHERE {}",
        conditions(&mut a, scheme, period, scope)
    );
    let rows: Vec<(i64, i64)> = keyset::fetch(tx, &sql, &a).await?;
    Ok(rows.into_iter().next().unwrap_or((0, 0)))
}

/// How many members of the scope rank ahead of a total: above it, or below it when the list
/// runs from the lowest.
pub async fn ahead(
    tx: &mut Tx,
    scheme: &str,
    period: &str,
    scope: &Scope,
    ascending: bool,
    total: i64,
) -> Result<i64, StoreError> {
    let mut a = Args::default();
    let cond = conditions(&mut a, scheme, period, scope);
    let sql = format!(
        "SELECT COUNT(*) FROM points_totals WHERE {cond} AND total {} {}",
        if ascending { "<" } else { ">" },
        a.int(total)
    );
    let rows: Vec<(i64,)> = keyset::fetch(tx, &sql, &a).await?;
    Ok(rows.first().map_or(0, |r| r.0))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RankedRow {
    pub member_id: i64,
    pub total: i64,
    pub name: String,
    pub org_name: String,
}

/// A page of the scope's ranking: highest total first (ties by member id), or with
/// `ascending` exactly the reverse, so both read the same index.
pub async fn page(
    tx: &mut Tx,
    scheme: &str,
    period: &str,
    scope: &Scope,
    ascending: bool,
    offset: i64,
    limit: i64,
) -> Result<Vec<RankedRow>, StoreError> {
    let mut a = Args::default();
    let cond = conditions(&mut a, scheme, period, scope);
    let order = if ascending {
        "total ASC, member_id DESC"
    } else {
        "total DESC, member_id ASC"
    };
    let sql = format!(
        "SELECT t.member_id, t.total, p.name, o.name AS org_name FROM \
         (SELECT member_id, total FROM points_totals WHERE {cond} ORDER BY {order} LIMIT {} OFFSET {}) t \
         JOIN members p ON p.id = t.member_id JOIN orgs o ON o.id = p.org_id ORDER BY {}",
        a.int(limit),
        a.int(offset),
        order
            .replace("total", "t.total")
            .replace("member_id", "t.member_id")
    );
    keyset::fetch(tx, &sql, &a).await
}

/// Every kept total of a period, by member: what tests recount against.
pub async fn all(tx: &mut Tx, scheme: &str, period: &str) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, (i64, i64)>(
        "SELECT member_id, total FROM points_totals WHERE scheme = $1 AND period = $2 ORDER BY member_id")
        .bind(scheme).bind(period).fetch_all(c).await)?)
}

fn conditions(a: &mut Args, scheme: &str, period: &str, scope: &Scope) -> String {
    let mut cond = vec![
        format!("scheme = {}", a.text(scheme)),
        format!("period = {}", a.text(period)),
    ];
    cond.extend(a.scope("", scope));
    cond.join(" AND ")
}
