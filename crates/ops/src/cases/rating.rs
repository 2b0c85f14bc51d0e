//! The reporter's rating secret: six digits given at intake (on the receipt, read out by the
//! operator), kept as a digest. Wrong secrets make further tries on that case wait, and so do
//! many from one address whatever the case, so the secret cannot be guessed while the
//! reporter, who knows it, can still rate later.

use crate::OpsError;
use crate::throttle;
use jiceng_domain::throttle::{RATING, RATING_FROM};
use jiceng_domain::{Invalid, clock, msg};
use jiceng_store::Db;
use jiceng_store::cases as store;

/// A fresh secret: six digits, easy to read out on the phone.
pub(crate) fn fresh() -> String {
    let mut buf = [0u8; 4];
    getrandom::fill(&mut buf).expect("the OS random source works");
    format!("{:06}", u32::from_le_bytes(buf) % 1_000_000)
}

pub(crate) fn digest(secret: &str) -> String {
    crate::accounts::digest(secret)
}

/// Checks `secret` against the case's, as tried from the address `from`, counting a wrong one
/// against the case and against the address.
pub(crate) async fn check(db: &Db, case_id: i64, secret: &str, from: &str) -> Result<(), OpsError> {
    let none = || {
        OpsError::Invalid(Invalid::new(
            "secret",
            "",
            msg!("该案件没有评价码，请联系受理单位"),
        ))
    };
    let now = clock::now();
    let by_address = format!("rate-from:{from}");
    // A waiting case or address is refused on a read, without taking the write lock.
    let mut rx = db.read().await?;
    if let Some(until) = throttle::waiting(&mut rx, &by_address).await? {
        return Err(throttle::wait_error("secret", until));
    }
    let r = store::rating_of(&mut rx, case_id).await?.ok_or_else(none)?;
    drop(rx);
    if let Some(until) = r.blocked_until.filter(|u| *u > now) {
        return Err(throttle::wait_error("secret", until));
    }
    let given = digest(secret.trim());
    let mut tx = db.write().await?;
    let r = store::rating_of(&mut tx, case_id).await?.ok_or_else(none)?;
    if let Some(until) = r.blocked_until.filter(|u| *u > now) {
        return Err(throttle::wait_error("secret", until));
    }
    if given == r.secret_digest {
        return Ok(());
    }
    let failures = r.failures + 1;
    let blocked = RATING.wait_after(failures).map(|w| now + w);
    store::set_rating_failures(&mut tx, case_id, failures, blocked).await?;
    let address_blocked = throttle::fail(&mut tx, &by_address, RATING_FROM).await?;
    tx.commit().await?;
    Err(match blocked.or(address_blocked) {
        Some(until) => throttle::wait_error("secret", until),
        None => wrong(),
    })
}

/// The answer to a wrong secret, and to a code that does not exist.
pub(crate) fn wrong() -> OpsError {
    OpsError::Invalid(Invalid::new("secret", "", msg!("评价码不正确")))
}
