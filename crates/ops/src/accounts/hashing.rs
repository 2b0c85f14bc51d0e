//! Password hashing (Argon2) off the async threads, a bounded number at a time, and never
//! under the write lock: a flood of sign-ins with wrong passwords queues here instead of
//! stalling every writer behind it.

use super::{hash_password, password_matches};
use crate::OpsError;
use tokio::sync::Semaphore;

/// Hashes computed at once; more wait their turn (each takes a core for tens of ms).
static TURNS: Semaphore = Semaphore::const_new(2);

async fn in_turn<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, OpsError> {
    let _turn = TURNS.acquire().await.map_err(OpsError::internal)?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(OpsError::internal)
}

/// The hash of a new password.
pub(crate) async fn hash(password: &str) -> Result<String, OpsError> {
    let password = password.to_string();
    in_turn(move || hash_password(&password)).await?
}

/// Whether `password` matches the stored `hash`.
pub(crate) async fn matches(password: &str, hash: &str) -> Result<bool, OpsError> {
    let (password, hash) = (password.to_string(), hash.to_string());
    in_turn(move || password_matches(&password, &hash)).await
}
