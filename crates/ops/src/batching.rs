//! Writers that batch (case intake, activity sign-ups): one task takes whatever queued while
//! it wrote the last batch, so under load a transaction carries many and when quiet each goes
//! alone at once.

use tokio::sync::mpsc;

/// The next batch: waits for one item, then takes what else has queued, up to `max`. None once
/// every sender is gone.
pub(crate) async fn next<T>(rx: &mut mpsc::Receiver<T>, max: usize) -> Option<Vec<T>> {
    let mut items = vec![rx.recv().await?];
    while items.len() < max {
        match rx.try_recv() {
            Ok(x) => items.push(x),
            Err(_) => break,
        }
    }
    Some(items)
}
