//! The reporter's rating secret: six digits given at intake (on the receipt, read out by the
//! operator), kept as a digest, and tried a few times before further tries wait. A tracking
//! code alone, or a phone's last digits, no longer rate a case.

use crate::OpsError;
use jiceng_domain::cases::rating_wait;
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

fn waiting(until: chrono::DateTime<chrono::Utc>) -> OpsError {
    let minutes = (until - clock::now()).num_minutes() + 1;
    OpsError::Invalid(Invalid::new(
        "secret",
        "",
        msg!(
            "评价码错误次数过多，请 {minutes} 分钟后再试",
            minutes = minutes
        ),
    ))
}

/// Checks `secret` against the case's, counting a wrong one; several in a row make further
/// tries wait, so the secret cannot be guessed, while the reporter can still rate later.
pub(crate) async fn check(db: &Db, case_id: i64, secret: &str) -> Result<(), OpsError> {
    let none = || {
        OpsError::Invalid(Invalid::new(
            "secret",
            "",
            msg!("该案件没有评价码，请联系受理单位"),
        ))
    };
    let now = clock::now();
    // A waiting case is refused on a read, without taking the write lock.
    let r = store::rating_of(&mut db.read().await?, case_id)
        .await?
        .ok_or_else(none)?;
    if let Some(until) = r.blocked_until.filter(|u| *u > now) {
        return Err(waiting(until));
    }
    let given = digest(secret.trim());
    let mut tx = db.write().await?;
    let r = store::rating_of(&mut tx, case_id).await?.ok_or_else(none)?;
    if let Some(until) = r.blocked_until.filter(|u| *u > now) {
        return Err(waiting(until));
    }
    if given == r.secret_digest {
        return Ok(());
    }
    let failures = r.failures + 1;
    let blocked = rating_wait(failures).map(|w| now + w);
    store::set_rating_failures(&mut tx, case_id, failures, blocked).await?;
    tx.commit().await?;
    Err(match blocked {
        Some(until) => waiting(until),
        None => OpsError::Invalid(Invalid::new("secret", "", msg!("评价码不正确"))),
    })
}
