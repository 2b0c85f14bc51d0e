//! The resources suggested for each open need, best first, as matching last scored them.

use crate::db::on;
use crate::{StoreError, Tx};

/// One suggestion: the need, its rank (1 best), the resource, the score (0–100) and why (JSON).
pub type SuggestionRow = (i64, i64, i64, f64, String);

/// A suggestion as a need's page shows it, with the resource it names.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Suggested {
    pub rank: i64,
    pub resource_id: i64,
    pub score: f64,
    pub why: String,
    pub title: String,
    pub owner_name: String,
    pub community_path: String,
    pub capacity: i64,
    pub used: i64,
    pub measure: String,
}

/// A need's suggestions, best first.
pub async fn of_need(tx: &mut Tx, need: i64) -> Result<Vec<Suggested>, StoreError> {
    Ok(on!(tx, c => sqlx::query_as::<_, Suggested>(
        "SELECT s.rank, s.resource_id, s.score, s.why, r.title, r.owner_name, r.community_path, r.capacity, r.used, r.measure \
         FROM need_suggestions s JOIN resources r ON r.id = s.resource_id WHERE s.need_id = $1 ORDER BY s.rank")
        .bind(need).fetch_all(c).await)?)
}

/// Replaces the suggestions of `needs` with `rows` (which may hold none for some of them).
pub async fn replace(tx: &mut Tx, needs: &[i64], rows: &[SuggestionRow]) -> Result<(), StoreError> {
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
    for chunk in rows.chunks(500) {
        let sql = format!(
            "INSERT INTO need_suggestions (need_id, rank, resource_id, score, why) VALUES {}",
            crate::values_list(tx.backend(), chunk.len(), 5)
        );
        on!(tx, c => {
            let mut q = sqlx::query(&sql);
            for (need, rank, resource, score, why) in chunk {
                q = q.bind(need).bind(rank).bind(resource).bind(score).bind(why);
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
