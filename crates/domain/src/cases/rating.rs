//! How often a reporter's rating secret may be tried: a few wrong tries, then a wait that
//! doubles with each further run, so six digits cannot be guessed and the reporter, who knows
//! them, can still rate later.

use chrono::Duration;

/// Wrong tries before further tries wait.
pub const RATING_TRIES: i32 = 5;
/// The first wait; each further run of wrong tries doubles it, up to a day.
pub const RATING_FIRST_WAIT: Duration = Duration::minutes(15);

/// The wait after `failures` wrong tries in all, if they complete a run.
pub fn rating_wait(failures: i32) -> Option<Duration> {
    (failures > 0 && failures % RATING_TRIES == 0).then(|| {
        let doublings = (failures / RATING_TRIES - 1).min(7) as u32;
        (RATING_FIRST_WAIT * 2i32.pow(doublings)).min(Duration::days(1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_with_each_run_of_wrong_tries() {
        assert_eq!(rating_wait(4), None);
        assert_eq!(rating_wait(5), Some(Duration::minutes(15)));
        assert_eq!(rating_wait(6), None);
        assert_eq!(rating_wait(10), Some(Duration::minutes(30)));
        assert_eq!(rating_wait(500), Some(Duration::days(1)));
    }
}
