//! How often each category was chosen for a case: one row per category, bumped as cases are
//! taken in or registered with one.

use crate::db::on;
use crate::{StoreError, Tx};

pub async fn bump(tx: &mut Tx, category: &str, by: i64) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query(
        "INSERT INTO case_category_uses (category, uses) VALUES ($1, $2) \
         ON CONFLICT (category) DO UPDATE SET uses = case_category_uses.uses + $2")
        .bind(category).bind(by).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// The `n` most used categories, most used first.
pub async fn most_used(tx: &mut Tx, n: i64) -> Result<Vec<String>, StoreError> {
    Ok(on!(tx, c => sqlx::query_scalar(
        "SELECT category FROM case_category_uses WHERE uses > 0 ORDER BY uses DESC, category LIMIT $1")
        .bind(n).fetch_all(c).await)?)
}

/// Counts them again over every case: for cases written in bulk (the demo city).
pub async fn recount(tx: &mut Tx) -> Result<(), StoreError> {
    on!(tx, c => sqlx::query("DELETE FROM case_category_uses").execute(c).await.map(|_| ()))?;
    on!(tx, c => sqlx::query(
        "INSERT INTO case_category_uses (category, uses) \
         SELECT category, COUNT(*) FROM cases WHERE category IS NOT NULL GROUP BY category")
        .execute(c).await.map(|_| ()))?;
    Ok(())
}
