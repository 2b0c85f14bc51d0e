//! Failed attempts counted in the database by key (an account and an address, an address
//! alone), so every serve process counts them together; a key past its tries waits.

use crate::OpsError;
use chrono::{DateTime, Utc};
use jiceng_domain::throttle::{Backoff, FORGET_AFTER};
use jiceng_domain::{Invalid, clock, msg};
use jiceng_store::{Tx, throttles};

/// When the key may try again, if it must wait now.
pub(crate) async fn waiting(tx: &mut Tx, key: &str) -> Result<Option<DateTime<Utc>>, OpsError> {
    let now = clock::now();
    Ok(throttles::get(tx, key)
        .await?
        .and_then(|t| t.blocked_until)
        .filter(|u| *u > now))
}

/// Counts a failure of `key` within the caller's write; returns the wait the key is under
/// now, if any. A wait already running is never shortened, so attempts that passed the check
/// together, before the first of them failed, cannot wear a block down.
pub(crate) async fn fail(
    tx: &mut Tx,
    key: &str,
    rule: Backoff,
) -> Result<Option<DateTime<Utc>>, OpsError> {
    let now = clock::now();
    let before = throttles::get(tx, key)
        .await?
        .filter(|t| now - t.updated_at < FORGET_AFTER);
    let failures = before.as_ref().map_or(0, |t| t.failures) + 1;
    let running = before.and_then(|t| t.blocked_until).filter(|u| *u > now);
    let until = running.max(rule.wait_after(failures).map(|w| now + w));
    throttles::set(tx, key, failures, until).await?;
    Ok(until)
}

/// The refusal of a waiting key: the same words whoever and whatever it is.
pub(crate) fn wait_error(field: &'static str, until: DateTime<Utc>) -> OpsError {
    let minutes = (until - clock::now()).num_minutes() + 1;
    OpsError::Invalid(Invalid::new(
        field,
        "",
        msg!("尝试次数过多，请 {minutes} 分钟后再试", minutes = minutes),
    ))
}
