//! The resources suggested for each open need, best first, as matching last scored them.

use crate::db::on;
use crate::{StoreError, Tx};

/// One suggestion: the need, its rank (1 best), the resource and the score (0–100).
pub type SuggestionRow = (i64, i64, i64, f64);

/// A suggestion as a need's page shows it, with the resource it names (as matching reads it,
/// to say why).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Suggested {
    pub rank: i64,
    pub score: f64,
    pub title: String,
    pub owner_name: String,
    pub community_path: String,
    pub measure: String,
    #[sqlx(flatten)]
    pub resource: crate::resources::Candidate,
}

/// A need's suggestions, best first.
pub async fn of_need(tx: &mut Tx, need: i64) -> Result<Vec<Suggested>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, Suggested>(
        "SELECT s.rank, s.score, r.title, r.owner_name, r.community_path, r.measure, r.id, r.community_org_id, r.category, \
         r.top_category, r.words, r.capacity, r.used, r.days, r.available_from, r.available_until, r.lon, r.lat, r.reach_m \
         FROM need_suggestions s JOIN resources r ON r.id = s.resource_id WHERE s.need_id = $1 ORDER BY s.rank")
        .bind(need).fetch_all(c).await)?)
}

/// The suggestions kept for the needs with ids in `(after, last]`, by need and rank.
pub async fn between(tx: &mut Tx, after: i64, last: i64) -> Result<Vec<SuggestionRow>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, SuggestionRow>(
        "SELECT need_id, rank, resource_id, score FROM need_suggestions \
         WHERE need_id > $1 AND need_id <= $2 ORDER BY need_id, rank")
        .bind(after).bind(last).fetch_all(c).await)?)
}

/// Replaces the suggestions of `needs` with `rows` (which may hold none for some of them).
/// PostgreSQL takes each as four arrays in one statement (binding half a million values one
/// by one costs more than writing them); SQLite, in lists of rows.
pub async fn replace(tx: &mut Tx, needs: &[i64], rows: &[SuggestionRow]) -> Result<(), StoreError> {
    if let Tx::Pg(c) = tx {
        if !needs.is_empty() {
            sqlx::query("DELETE FROM need_suggestions WHERE need_id = ANY($1)")
                .bind(needs)
                .execute(&mut **c)
                .await?;
        }
        if rows.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO need_suggestions (need_id, rank, resource_id, score) \
             SELECT * FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::BIGINT[], $4::DOUBLE PRECISION[])",
        )
        .bind(rows.iter().map(|r| r.0).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.1).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.2).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.3).collect::<Vec<_>>())
        .execute(&mut **c)
        .await?;
        return Ok(());
    }
    for chunk in needs.chunks(500) {
        let sql = format!(
            "DELETE FROM need_suggestions WHERE need_id IN ({})",
            crate::in_list(1, chunk.len())
        );
        on!(tx, c => {
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(id);
            }
            q.execute(c).await.map(|_| ())
        })?;
    }
    // Four parameters a row: well within SQLite's limit per statement.
    for chunk in rows.chunks(2000) {
        let sql = format!(
            "INSERT INTO need_suggestions (need_id, rank, resource_id, score) VALUES {}",
            crate::values_list(tx.backend(), chunk.len(), 4)
        );
        on!(tx, c => {
            let mut q = sqlx::query(&sql);
            for (need, rank, resource, score) in chunk {
                q = q.bind(need).bind(rank).bind(resource).bind(score);
            }
            q.execute(c).await.map(|_| ())
        })?;
    }
    Ok(())
}

/// Takes a resource out of every need's suggestions (it is offered no more).
pub async fn forget_resource(tx: &mut Tx, resource: i64) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("DELETE FROM need_suggestions WHERE resource_id = $1")
        .bind(resource).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Takes a need's suggestions away (it is no longer open).
pub async fn clear(tx: &mut Tx, need: i64) -> Result<(), StoreError> {
    replace(tx, &[need], &[]).await
}
