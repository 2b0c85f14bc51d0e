//! How failed attempts slow further ones: a few tries, then a wait that doubles with each
//! further run of failures, up to a limit; a quiet day forgets them.

use chrono::Duration;

#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// Failures before the first wait, and between each further one.
    pub tries: i32,
    pub first: Duration,
    pub longest: Duration,
}

/// Failures older than this are forgotten.
pub const FORGET_AFTER: Duration = Duration::days(1);

/// Sign-ins for one account from one address: a stranger elsewhere cannot lock the owner out.
pub const SIGN_IN: Backoff = Backoff {
    tries: 5,
    first: Duration::minutes(1),
    longest: Duration::hours(1),
};

/// Failed sign-ins from one address, whatever the account: guessing across many accounts.
pub const SIGN_IN_FROM: Backoff = Backoff {
    tries: 30,
    first: Duration::minutes(5),
    longest: Duration::days(1),
};

/// Wrong rating codes for one case, from anywhere.
pub const RATING: Backoff = Backoff {
    tries: 5,
    first: Duration::minutes(15),
    longest: Duration::days(1),
};

/// Wrong rating codes from one address, whatever the case.
pub const RATING_FROM: Backoff = Backoff {
    tries: 20,
    first: Duration::minutes(30),
    longest: Duration::days(1),
};

/// Lookups of tracking codes that do not exist, from one address: guessing codes.
pub const TRACK_FROM: Backoff = Backoff {
    tries: 20,
    first: Duration::minutes(10),
    longest: Duration::days(1),
};

/// Sign-in codes sent to one number: five, then an hour's wait (doubling up to a day). Each
/// send is counted, not only failures: every text costs the city and reaches a stranger.
pub const CODE_SENDS: Backoff = Backoff {
    tries: 5,
    first: Duration::hours(1),
    longest: Duration::days(1),
};

/// Sign-in codes asked for from one address, whatever the number: texting strangers.
pub const CODE_SENDS_FROM: Backoff = Backoff {
    tries: 20,
    first: Duration::hours(1),
    longest: Duration::days(1),
};

/// Wrong sign-in codes from one address, whatever the number: guessing across numbers.
pub const CODE_WRONG_FROM: Backoff = Backoff {
    tries: 20,
    first: Duration::minutes(30),
    longest: Duration::days(1),
};

impl Backoff {
    /// The wait after `failures` in all, if they complete a run of tries.
    pub fn wait_after(&self, failures: i32) -> Option<Duration> {
        (failures > 0 && failures % self.tries == 0).then(|| {
            let doublings = (failures / self.tries - 1).min(12) as u32;
            (self.first * 2i32.pow(doublings)).min(self.longest)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_with_each_run_of_failures() {
        assert_eq!(RATING.wait_after(4), None);
        assert_eq!(RATING.wait_after(5), Some(Duration::minutes(15)));
        assert_eq!(RATING.wait_after(6), None);
        assert_eq!(RATING.wait_after(10), Some(Duration::minutes(30)));
        assert_eq!(RATING.wait_after(500), Some(Duration::days(1)));
        assert_eq!(SIGN_IN.wait_after(5), Some(Duration::minutes(1)));
        assert_eq!(SIGN_IN.wait_after(50), Some(Duration::hours(1)));
    }
}
