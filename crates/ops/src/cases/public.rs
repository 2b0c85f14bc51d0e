//! A case named by its tracking code from outside (tracking, rating): codes that do not exist,
//! asked from one address, soon make it wait, so guessing codes gets nowhere while whoever
//! holds a code uses it freely.

use crate::{OpsError, throttle};
use jiceng_domain::throttle::TRACK_FROM;
use jiceng_store::Db;
use jiceng_store::cases::{self as store, CaseRow};

/// The case with tracking code `code`, asked from `from`. A waiting address is refused on
/// `field`; a missing code counts against the address and answers `missing`.
pub(super) async fn by_code(
    db: &Db,
    code: &str,
    from: &str,
    field: &'static str,
    missing: impl FnOnce() -> OpsError,
) -> Result<CaseRow, OpsError> {
    let key = format!("track-from:{from}");
    let mut rx = db.read().await?;
    if let Some(until) = throttle::waiting(&mut rx, &key).await? {
        return Err(throttle::wait_error(field, until));
    }
    let found = store::by_code(&mut rx, code.trim()).await?;
    drop(rx);
    if let Some(c) = found {
        return Ok(c);
    }
    let mut tx = db.write().await?;
    let wait = throttle::fail(&mut tx, &key, TRACK_FROM).await?;
    tx.commit().await?;
    Err(match wait {
        Some(until) => throttle::wait_error(field, until),
        None => missing(),
    })
}
