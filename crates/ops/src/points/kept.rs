//! Keeping points totals up to date: a scheme's current and previous period are kept from
//! their first ranking on (an administrator may keep others), and every write that changes
//! what points count recomputes the totals it touched, in its own transaction: a subtree's
//! members when a meeting there changes or the tree moves, single members when their
//! transfers, 双报到, service, wishes or manual points change.

use super::{fits, ledger_in, schemes_in, totals};
use crate::OpsError;
use chrono::NaiveDate;
use jiceng_domain::orglife::Period;
use jiceng_domain::points::Scheme;
use jiceng_domain::{Invalid, msg};
use jiceng_store::points::kept as store;
use jiceng_store::{Db, Tx, members};

fn doc(scheme: &Scheme) -> String {
    serde_json::to_string(scheme).expect("a scheme serialises")
}

/// Whether a period is kept under the scheme as it stands.
pub(crate) async fn is_kept(
    tx: &mut Tx,
    scheme: &Scheme,
    period: Period,
) -> Result<bool, OpsError> {
    let kept = store::kept_doc(tx, &scheme.code, &period.to_string()).await?;
    Ok(kept.is_some_and(|d| d == doc(scheme)))
}

/// Whether a period was ever kept, under this scheme or an earlier version of it.
pub(crate) async fn was_kept(tx: &mut Tx, scheme: &str, period: Period) -> Result<bool, OpsError> {
    Ok(store::kept_doc(tx, scheme, &period.to_string())
        .await?
        .is_some())
}

/// Makes sure a scheme's period is kept under the scheme as it stands, counting it whole the
/// first time (or after the scheme changed, as a new release may change a shipped one).
/// Writers queue on one lock, and the scheme is read again under it, so no write or scheme
/// change can slip between the count and the mark.
pub(crate) async fn ensure(db: &Db, code: &str, period: Period) -> Result<(), OpsError> {
    {
        let mut tx = db.read().await?;
        let scheme = super::scheme_in(&mut tx, code).await?;
        if is_kept(&mut tx, &scheme, period).await? {
            return Ok(());
        }
    }
    let mut tx = db.write().await?;
    let scheme = super::scheme_in(&mut tx, code).await?;
    if !fits(&scheme, period) {
        return Err(Invalid::new("period", period, msg!("与积分方案的周期不符")).into());
    }
    if is_kept(&mut tx, &scheme, period).await? {
        return Ok(());
    }
    rewrite(&mut tx, &scheme, period).await?;
    tx.commit().await?;
    db.vacuum("points_totals").await?;
    Ok(())
}

/// Counts a period whole and marks it kept under the scheme.
async fn rewrite(tx: &mut Tx, scheme: &Scheme, period: Period) -> Result<(), OpsError> {
    let key = period.to_string();
    let rows = totals::within(tx, scheme, period, "/").await?;
    store::clear(tx, &scheme.code, &key).await?;
    store::put(tx, &scheme.code, &key, &rows).await?;
    store::mark(tx, &scheme.code, &key, &doc(scheme)).await?;
    Ok(())
}

/// The kept periods with their schemes that `touched` says a write reached.
async fn kept(
    tx: &mut Tx,
    touched: impl Fn(&Scheme, Period) -> bool,
) -> Result<Vec<(Scheme, Period)>, OpsError> {
    let pairs = store::periods(tx).await?;
    if pairs.is_empty() {
        return Ok(Vec::new());
    }
    let schemes = schemes_in(tx).await?;
    Ok(pairs
        .into_iter()
        .filter_map(|(code, p)| {
            let scheme = schemes.iter().find(|s| s.code == code)?.clone();
            let period = Period::parse(&p).ok()?;
            touched(&scheme, period).then_some((scheme, period))
        })
        .collect())
}

fn holds(period: Period, d: NaiveDate) -> bool {
    period.first_day() <= d && d <= period.last_day()
}

/// After a write that changes what the members now in a subtree were owed or did on the
/// given days (every kept period when `days` is `None`): a meeting held there (with its
/// visitors, wherever they belong), the subtree moved or relevelled.
pub(crate) async fn subtree(
    tx: &mut Tx,
    path: &str,
    days: Option<&[NaiveDate]>,
    visitors: &[i64],
) -> Result<(), OpsError> {
    let reached = |_: &Scheme, p: Period| days.is_none_or(|ds| ds.iter().any(|d| holds(p, *d)));
    for (scheme, period) in kept(tx, reached).await? {
        let key = period.to_string();
        let rows = totals::within(tx, &scheme, period, path).await?;
        store::clear_within(tx, &scheme.code, &key, path).await?;
        store::put(tx, &scheme.code, &key, &rows).await?;
        // Members who have left the subtree since the period began were owed its meetings.
        let mut others = jiceng_store::points::left_within(tx, path, period.first_day()).await?;
        others.extend(visitors);
        others.sort_unstable();
        others.dedup();
        refresh(tx, &scheme, period, &others).await?;
    }
    Ok(())
}

/// After a write about single members on a day (`None`: in every kept period): a transfer,
/// a new member, 双报到, service, a wish.
pub(crate) async fn members(
    tx: &mut Tx,
    ids: &[i64],
    on: Option<NaiveDate>,
) -> Result<(), OpsError> {
    if ids.is_empty() {
        return Ok(());
    }
    let reached = |_: &Scheme, p: Period| on.is_none_or(|d| holds(p, d));
    for (scheme, period) in kept(tx, reached).await? {
        refresh(tx, &scheme, period, ids).await?;
    }
    Ok(())
}

/// After a 双报到 registration began or ended: the periods it touched from `from` on.
pub(crate) async fn registered(tx: &mut Tx, member: i64, from: NaiveDate) -> Result<(), OpsError> {
    for (scheme, period) in kept(tx, |_, p| p.last_day() >= from).await? {
        refresh(tx, &scheme, period, &[member]).await?;
    }
    Ok(())
}

/// After a manual entry was decided: its member in its scheme's period.
pub(crate) async fn entry(
    tx: &mut Tx,
    member: i64,
    scheme: &str,
    period: &str,
) -> Result<(), OpsError> {
    for (s, p) in kept(tx, |s, p| s.code == scheme && p.to_string() == period).await? {
        refresh(tx, &s, p, &[member]).await?;
    }
    Ok(())
}

/// After a scheme was saved: every kept period of it, counted again whole.
pub(crate) async fn scheme(tx: &mut Tx, scheme: &Scheme) -> Result<(), OpsError> {
    for (_, period) in kept(tx, |s, _| s.code == scheme.code).await? {
        if super::fits(scheme, period) {
            rewrite(tx, scheme, period).await?;
        } else {
            store::unmark(tx, &scheme.code, &period.to_string()).await?;
        }
    }
    Ok(())
}

/// Each member's total counted as their ledger counts it.
async fn refresh(
    tx: &mut Tx,
    scheme: &Scheme,
    period: Period,
    ids: &[i64],
) -> Result<(), OpsError> {
    if ids.is_empty() {
        return Ok(());
    }
    let key = period.to_string();
    let mut rows = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(m) = members::by_id(tx, *id).await? {
            rows.push((m.id, ledger_in(tx, scheme, period, m).await?.total));
        }
    }
    store::clear_members(tx, &scheme.code, &key, ids).await?;
    store::put(tx, &scheme.code, &key, &rows).await?;
    Ok(())
}
