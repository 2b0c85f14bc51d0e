//! Every member's total for a period, set-based, for the members now in a subtree: the count
//! the kept totals are written from. It agrees with each member's ledger: meetings of their
//! org and of every org above it (above the subtree too), and absences at those meetings.
//! Members who moved during or since the period are few: each is counted by their ledger,
//! stint by stint.

use crate::OpsError;
use jiceng_domain::orglife::Period;
use jiceng_domain::path::OrgPath;
use jiceng_domain::points::calc::{self, Counts};
use jiceng_domain::points::{Scheme, Source};
use jiceng_store::orglife::month_key;
use jiceng_store::points as store;
use jiceng_store::{Tx, members};
use std::collections::{BTreeSet, HashMap, HashSet};

/// (member, total) for every member now in the subtree at `path`.
pub async fn within(
    tx: &mut Tx,
    scheme: &Scheme,
    period: Period,
    path: &str,
) -> Result<Vec<(i64, i64)>, OpsError> {
    let (from, to) = (month_key(period.first_day()), month_key(period.last_day()));
    let (first, last) = (period.first_day(), period.last_day());
    let uses = |source: Source| scheme.items.iter().any(|i| i.source == source);
    // Meetings each member was expected at: those held by their org and every org above it,
    // summed down the tree from what the orgs above the subtree held.
    let above: Vec<i64> = {
        let mut ids = OrgPath(path.to_string()).ids();
        ids.pop();
        ids
    };
    let held_above = store::held_days(tx, &above, first, last).await?.len() as i64;
    // The whole city reads the period's records unjoined; a subtree joins its members.
    let city = path == "/";
    let held: HashMap<i64, i64> = if city {
        store::held_per_org(tx, path, from, to).await?
    } else {
        store::held_per_org_within(tx, path, first, last).await?
    }
    .into_iter()
    .collect();
    let mut cumulative: HashMap<i64, i64> = HashMap::new();
    for (id, parent) in store::org_parents(tx, path).await? {
        let over = parent
            .and_then(|p| cumulative.get(&p).copied())
            .unwrap_or(held_above);
        cumulative.insert(id, over + held.get(&id).copied().unwrap_or(0));
    }
    let moved: BTreeSet<i64> = store::transfers_within(tx, path, first)
        .await?
        .into_iter()
        .map(|t| t.0)
        .collect();
    let members = store::members_within(tx, path).await?;
    let absences: HashMap<i64, (i64, i64)> = store::member_absences_within(tx, path, from, to)
        .await?
        .into_iter()
        .map(|(m, all, unexcused)| (m, (all, unexcused)))
        .collect();
    // Meetings visited elsewhere (as a registered in-service member) count as attended.
    let visits: HashMap<i64, i64> = store::visits_within(tx, path, from, to)
        .await?
        .into_iter()
        .collect();
    let mut manual: HashMap<i64, Vec<(usize, i64)>> = HashMap::new();
    for (m, item, pts) in
        store::member_approved_within(tx, path, &scheme.code, &period.to_string()).await?
    {
        if let Some(i) = scheme.items.iter().position(|x| x.code == item) {
            manual.entry(m).or_default().push((i, pts));
        }
    }
    let registered: HashSet<i64> = if !uses(Source::Registration) {
        HashSet::new()
    } else if city {
        store::registered_between(tx, first, last)
            .await?
            .into_iter()
            .collect()
    } else {
        store::registered_within(tx, path, first, last)
            .await?
            .into_iter()
            .collect()
    };
    let service: HashMap<i64, i64> = if !uses(Source::ServiceHours) {
        HashMap::new()
    } else if city {
        store::service_within(tx, path, first, last)
            .await?
            .into_iter()
            .collect()
    } else {
        store::member_service_within(tx, path, first, last)
            .await?
            .into_iter()
            .collect()
    };
    let wishes: HashMap<i64, i64> = if !uses(Source::WishFulfilled) {
        HashMap::new()
    } else if city {
        jiceng_store::wishes::fulfilled_between(tx, first, last)
            .await?
            .into_iter()
            .collect()
    } else {
        store::wishes_within(tx, path, first, last)
            .await?
            .into_iter()
            .collect()
    };
    let errands: HashMap<i64, i64> = if !uses(Source::ErrandDone) {
        HashMap::new()
    } else if city {
        jiceng_store::errands::confirmed_between(tx, first, last)
            .await?
            .into_iter()
            .collect()
    } else {
        jiceng_store::errands::confirmed_within(tx, path, first, last)
            .await?
            .into_iter()
            .collect()
    };
    let mut totals: Vec<(i64, i64)> = members
        .iter()
        .filter(|(id, _)| !moved.contains(id))
        .map(|(id, org)| {
            let (absent, unexcused) = absences.get(id).copied().unwrap_or((0, 0));
            let counts = Counts {
                attended: cumulative.get(org).copied().unwrap_or(0) - absent
                    + visits.get(id).copied().unwrap_or(0),
                unexcused,
                registered: registered.contains(id),
                service_hours: jiceng_domain::service::whole_hours(
                    service.get(id).copied().unwrap_or(0),
                ),
                wishes: wishes.get(id).copied().unwrap_or(0),
                errands: errands.get(id).copied().unwrap_or(0),
            };
            let mine = manual.get(id);
            let total = calc::total_of(scheme, counts, |i| {
                mine.map_or(0, |v| {
                    v.iter().filter(|(x, _)| *x == i).map(|(_, p)| p).sum()
                })
            });
            (*id, total)
        })
        .collect();
    for id in moved {
        if let Some(m) = members::by_id(tx, id).await? {
            totals.push((id, super::ledger_in(tx, scheme, period, m).await?.total));
        }
    }
    // Written in the order of the primary key, each index page is filled once.
    totals.sort_unstable();
    Ok(totals)
}
