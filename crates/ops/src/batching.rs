//! Writers that batch (case intake, activity sign-ups): one task takes whatever queued while
//! it wrote the last batch, so under load a transaction carries many and when quiet each goes
//! alone (the sign-up desk after a moment's wait for the rest of a burst, see [`gather`]).

use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// The next batch: waits for one item, then takes what else has queued, up to `max`. None once
/// every sender is gone.
pub(crate) async fn next<T>(rx: &mut mpsc::Receiver<T>, max: usize) -> Option<Vec<T>> {
    let mut items = vec![rx.recv().await?];
    more(rx, &mut items, max);
    Some(items)
}

/// Adds to `items` what has queued, up to `max` in all.
fn more<T>(rx: &mut mpsc::Receiver<T>, items: &mut Vec<T>, max: usize) {
    while items.len() < max {
        match rx.try_recv() {
            Ok(x) => items.push(x),
            Err(_) => break,
        }
    }
}

/// How long a burst may keep arriving into one batch: it joins until nothing more came for
/// `QUIET`, and for at most `LONGEST` after the batch began gathering.
const QUIET: Duration = Duration::from_micros(100);
const LONGEST: Duration = Duration::from_millis(1);

/// Adds to `items` what queues while a burst is still arriving (see [`QUIET`]), up to `max`
/// in all: a rush whose requests reach the queue over a few hundred microseconds shares one
/// transaction instead of its first few going alone and the rest waiting for them. A lone
/// item waits about `QUIET` (spinning, with the writer's turn held).
pub(crate) async fn gather<T>(rx: &mut mpsc::Receiver<T>, items: &mut Vec<T>, max: usize) {
    let start = Instant::now();
    let mut last = start;
    loop {
        let had = items.len();
        more(rx, items, max);
        let now = Instant::now();
        if items.len() > had {
            last = now;
        }
        if items.len() >= max || now - last >= QUIET || now - start >= LONGEST {
            return;
        }
        tokio::task::yield_now().await;
    }
}
