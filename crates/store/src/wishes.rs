//! 微心愿 records and the counts of fulfilled wishes the points read.

use crate::db::on;
use crate::keyset::{Args, Scope, fetch};
use crate::{StoreError, Tx};
use chrono::NaiveDate;
use jiceng_domain::clock;
use jiceng_domain::wishes::WishStatus;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct WishRow {
    pub id: i64,
    pub community_org_id: i64,
    pub community_name: String,
    #[serde(skip)]
    pub community_path: String,
    pub title: String,
    pub detail: Option<String>,
    /// Who made the wish, as the community wrote it (a name or "张阿姨"); not shown publicly.
    pub resident: Option<String>,
    pub status: WishStatus,
    pub posted_on: NaiveDate,
    pub member_id: Option<i64>,
    pub member_name: Option<String>,
    pub claimed_on: Option<NaiveDate>,
    pub fulfilled_on: Option<NaiveDate>,
    pub posted_by: String,
    /// The resident who posted it themself, and their account.
    pub resident_id: Option<i64>,
    pub resident_user_id: Option<i64>,
    pub refusal: Option<String>,
    pub rating: Option<i64>,
    pub rating_note: Option<String>,
}

const SELECT: &str = "SELECT w.id, w.community_org_id, c.name AS community_name, w.community_path, w.title, w.detail, \
     w.resident, w.status, w.posted_on, w.member_id, m.name AS member_name, w.claimed_on, w.fulfilled_on, w.posted_by, \
     w.resident_id, r.user_id AS resident_user_id, w.refusal, w.rating, w.rating_note \
     FROM wishes w JOIN orgs c ON c.id = w.community_org_id LEFT JOIN members m ON m.id = w.member_id \
     LEFT JOIN residents r ON r.id = w.resident_id";

pub struct NewWish<'a> {
    pub community_org_id: i64,
    pub community_path: &'a str,
    pub title: &'a str,
    pub detail: Option<&'a str>,
    pub resident: Option<&'a str>,
    /// The resident who posts it themself (theirs starts pending).
    pub resident_id: Option<i64>,
    pub status: WishStatus,
    pub posted_on: NaiveDate,
    pub by: &'a str,
}

pub async fn insert(tx: &mut Tx, w: &NewWish<'_>) -> Result<i64, StoreError> {
    let sql = format!(
        "INSERT INTO wishes (community_org_id, community_path, title, detail, resident, status, posted_on, posted_by, \
         created_at, resident_id, district_org_id, street_org_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, {}) RETURNING id",
        crate::orgs::levels_of_community("$1")
    );
    Ok(on!(tx, c => sqlx::query_scalar(&sql)
        .bind(w.community_org_id).bind(w.community_path).bind(w.title).bind(w.detail).bind(w.resident)
        .bind(w.status.code()).bind(w.posted_on).bind(w.by).bind(clock::now()).bind(w.resident_id).fetch_one(c).await)?)
}

pub async fn by_id(tx: &mut Tx, id: i64) -> Result<Option<WishRow>, StoreError> {
    let sql = format!("{SELECT} WHERE w.id = $1");
    Ok(on!(tx, c => sqlx::query_as::<_, WishRow>(&sql).bind(id).fetch_optional(c).await)?)
}

/// Writes a wish's new state; `from` guards against a concurrent move (0 rows when it lost).
pub async fn set_state(
    tx: &mut Tx,
    id: i64,
    from: &str,
    status: &str,
    member_id: Option<i64>,
    claimed_on: Option<NaiveDate>,
    fulfilled_on: Option<NaiveDate>,
) -> Result<u64, StoreError> {
    Ok(on!(tx, c => sqlx::query(
        "UPDATE wishes SET status = $1, member_id = $2, claimed_on = $3, fulfilled_on = $4 WHERE id = $5 AND status = $6")
        .bind(status).bind(member_id).bind(claimed_on).bind(fulfilled_on).bind(id).bind(from)
        .execute(c).await.map(|r| r.rows_affected()))?)
}

/// Why the community refused a resident's wish.
pub async fn set_refusal(tx: &mut Tx, id: i64, reason: &str) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("UPDATE wishes SET refusal = $1 WHERE id = $2")
        .bind(reason).bind(id).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// The resident's rating of a fulfilled wish, once (0 rows when it was rated already).
pub async fn rate(
    tx: &mut Tx,
    id: i64,
    rating: i64,
    note: Option<&str>,
) -> Result<u64, StoreError> {
    Ok(on!(tx, c => sqlx::query(
        "UPDATE wishes SET rating = $1, rating_note = $2 WHERE id = $3 AND status = 'fulfilled' AND rating IS NULL")
        .bind(rating).bind(note).bind(id).execute(c).await.map(|r| r.rows_affected()))?)
}

/// A resident's own wishes, optionally of one status, newest first: the `limit` after the
/// (posted_on, id) cursor.
pub async fn of_resident(
    tx: &mut Tx,
    resident: i64,
    status: Option<&str>,
    after: Option<(NaiveDate, i64)>,
    limit: i64,
) -> Result<Vec<WishRow>, StoreError> {
    let mut a = Args::default();
    let mut wh = vec![format!("w.resident_id = {}", a.int(resident))];
    if let Some(st) = status {
        wh.push(format!("w.status = {}", a.text(st)));
    }
    if let Some((d, id)) = after {
        wh.push(format!(
            "(w.posted_on, w.id) < ({}, {})",
            a.date(d),
            a.int(id)
        ));
    }
    let sql = format!(
        "{SELECT} WHERE {} ORDER BY w.posted_on DESC, w.id DESC LIMIT {limit}",
        wh.join(" AND ")
    );
    fetch(tx, &sql, &a).await
}

/// Wishes of the communities of a scope, optionally of one status, newest first: the
/// `limit` after the (posted_on, id) cursor.
pub async fn within(
    tx: &mut Tx,
    scope: &Scope,
    status: Option<&str>,
    after: Option<(NaiveDate, i64)>,
    limit: i64,
) -> Result<Vec<WishRow>, StoreError> {
    let mut a = Args::default();
    let mut wh: Vec<String> = a
        .scope_with("w.", "w.community_path", scope)
        .into_iter()
        .collect();
    if let Some(st) = status {
        wh.push(format!("w.status = {}", a.text(st)));
    }
    if let Some((d, id)) = after {
        wh.push(format!(
            "(w.posted_on, w.id) < ({}, {})",
            a.date(d),
            a.int(id)
        ));
    }
    if wh.is_empty() {
        wh.push("1 = 1".into());
    }
    let sql = format!(
        "{SELECT} WHERE {} ORDER BY w.posted_on DESC, w.id DESC LIMIT {limit}",
        wh.join(" AND ")
    );
    fetch(tx, &sql, &a).await
}

/// Wishes a member claimed and saw fulfilled in the dates (their points ledger).
pub async fn fulfilled_by(
    tx: &mut Tx,
    member: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<WishRow>, StoreError> {
    let sql = format!(
        "{SELECT} WHERE w.member_id = $1 AND w.status = 'fulfilled' AND w.fulfilled_on >= $2 AND w.fulfilled_on <= $3 \
         ORDER BY w.fulfilled_on, w.id"
    );
    Ok(
        on!(tx, c => sqlx::query_as::<_, WishRow>(&sql).bind(member).bind(from).bind(to).fetch_all(c).await)?,
    )
}

/// Wishes fulfilled in the dates per claiming member (any member; the caller keeps its scope).
pub async fn fulfilled_between(
    tx: &mut Tx,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, (i64, i64)>(
        "SELECT member_id, COUNT(*) FROM wishes WHERE status = 'fulfilled' AND fulfilled_on >= $1 AND fulfilled_on <= $2 \
         AND member_id IS NOT NULL GROUP BY member_id")
        .bind(from).bind(to).fetch_all(c).await)?)
}

/// Wishes of a generated city, written as they stand.
pub type GeneratedWish = (
    i64,
    String,
    &'static str,
    &'static str,
    NaiveDate,
    Option<(i64, NaiveDate, Option<NaiveDate>)>,
);

pub async fn add_generated(tx: &mut Tx, rows: &[GeneratedWish]) -> Result<(), StoreError> {
    let now = clock::now();
    let communities: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let levels = crate::orgs::streets_of(tx, &communities).await?;
    for chunk in rows.chunks(500) {
        let sql = format!(
            "INSERT INTO wishes (community_org_id, community_path, title, resident, status, posted_on, member_id, claimed_on, \
             fulfilled_on, posted_by, created_at, district_org_id, street_org_id) VALUES {}",
            crate::values_list(tx.backend(), chunk.len(), 13)
        );
        on!(tx, c => {
            let mut q = sqlx::query(&sql);
            for (community, path, title, resident, posted, claim) in chunk {
                let status = match claim {
                    None => "open",
                    Some((_, _, None)) => "claimed",
                    Some((_, _, Some(_))) => "fulfilled",
                };
                q = q.bind(community).bind(path).bind(*title).bind(*resident).bind(status).bind(posted)
                    .bind(claim.map(|c| c.0)).bind(claim.map(|c| c.1)).bind(claim.and_then(|c| c.2))
                    .bind("demo").bind(now).bind(levels.get(community).and_then(|l| l.0))
                    .bind(levels.get(community).and_then(|l| l.1));
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Wishes a member claimed, newest first.
pub async fn claimed_by(tx: &mut Tx, member: i64, limit: i64) -> Result<Vec<WishRow>, StoreError> {
    let sql =
        format!("{SELECT} WHERE w.member_id = $1 ORDER BY w.claimed_on DESC, w.id DESC LIMIT $2");
    Ok(
        on!(tx, c => sqlx::query_as::<_, WishRow>(&sql).bind(member).bind(limit).fetch_all(c).await)?,
    )
}
