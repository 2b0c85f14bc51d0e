//! The kept points totals equal a recount (each member's ledger) after every kind of write
//! that changes points, and rankings of every scope read them alike, on SQLite or PostgreSQL.

use crate::common::*;
use chrono::{Datelike, Duration};
use jiceng_ops::orglife::meetings::{self, NewMeeting};
use jiceng_ops::points::{self, NewPoints, RankingQuery};
use jiceng_ops::service::{self, NewServiceInput};
use jiceng_ops::wishes::{self, NewWishInput, WishMoveInput};
use jiceng_ops::{Actor, members, orgs, registrations};
use jiceng_store::Backend;
use jiceng_store::testing::TestDb;
use jiceng_testkit::both;

fn approver() -> Actor {
    Actor::Operator {
        name: "cli:approver".into(),
    }
}

/// Every kept (scheme, period): its kept totals against each member's ledger.
async fn agrees(t: &TestDb, after: &str) {
    let a = actor();
    let kept_periods = {
        let mut tx = t.db.read().await.unwrap();
        jiceng_store::points::kept::periods(&mut tx).await.unwrap()
    };
    assert!(kept_periods.len() >= 2, "{after}: {kept_periods:?}");
    let ids = ints(&t.db, "SELECT id FROM members ORDER BY id").await;
    for (scheme, period) in kept_periods {
        let kept = {
            let mut tx = t.db.read().await.unwrap();
            jiceng_store::points::kept::all(&mut tx, &scheme, &period)
                .await
                .unwrap()
        };
        let mut recount = Vec::new();
        for id in &ids {
            let l = points::ledger(&t.db, &a, *id, &scheme, Some(&period))
                .await
                .unwrap();
            recount.push((*id, l.total));
        }
        assert_eq!(kept, recount, "after {after}: {scheme} {period}");
    }
}

/// A ranking of a scope against the ledgers of the members now in it.
async fn ranks_as_recounted(t: &TestDb, within: Option<&str>, period: &str, ascending: bool) {
    let a = actor();
    let path = match within {
        Some(code) => {
            let id = ints(&t.db, &format!("SELECT id FROM orgs WHERE code = '{code}'")).await[0];
            ints(
                &t.db,
                &format!("SELECT id FROM members WHERE org_path LIKE '%/{id}/%' ORDER BY id"),
            )
            .await
        }
        None => ints(&t.db, "SELECT id FROM members ORDER BY id").await,
    };
    let mut want = Vec::new();
    for id in path {
        let l = points::ledger(&t.db, &a, id, "accrual", Some(period))
            .await
            .unwrap();
        want.push((id, l.total));
    }
    if ascending {
        want.sort_by_key(|(id, t)| (*t, -id));
    } else {
        want.sort_by_key(|(id, t)| (-t, *id));
    }
    // Two to a page, so ranks carry across pages.
    let mut got = Vec::new();
    for page in 1..=want.len().div_ceil(2) {
        let r = points::ranking(
            &t.db,
            &a,
            RankingQuery {
                within: within.map(str::to_string),
                period: Some(period.to_string()),
                page: Some(page),
                per_page: Some(2),
                ascending: Some(ascending),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(r.members, want.len(), "{within:?}");
        let avg = want.iter().map(|w| w.1).sum::<i64>() as f64 / want.len() as f64;
        assert_eq!(r.average, Some(avg), "{within:?}");
        got.extend(r.items.into_iter().map(|i| (i.member_id, i.total, i.rank)));
    }
    let ranked: Vec<(i64, i64, usize)> = want
        .iter()
        .map(|(id, total)| {
            let ahead = want
                .iter()
                .filter(|w| {
                    if ascending {
                        w.1 < *total
                    } else {
                        w.1 > *total
                    }
                })
                .count();
            (*id, *total, ahead + 1)
        })
        .collect();
    assert_eq!(got, ranked, "{within:?} ascending {ascending}");
}

#[both]
async fn kept_totals_equal_a_recount_after_every_kind_of_write(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let today = jiceng_domain::clock::today();
    // A year wholly in the past two months ago, and its days from 10 January on.
    let year = (today - Duration::days(60)).year();
    let day = |n: i64| {
        (chrono::NaiveDate::from_ymd_opt(year, 1, 10).unwrap() + Duration::days(n)).to_string()
    };
    let add = |name: &'static str, seq: u32, org: &'static str| {
        let db = t.db.clone();
        let a = a.clone();
        async move {
            members::add(&db, &a, new_member(name, seq, org))
                .await
                .unwrap()
                .id
        }
    };
    let b1 = add("甲", 11, "B1").await;
    let b1b = add("乙", 13, "B1").await;
    let b2 = add("丙", 15, "B2").await;
    let c2 = add("丁", 17, "C2").await;
    let s = add("戊", 19, "S").await;
    let meeting = |org: &str, on: String, absent: Vec<String>| NewMeeting {
        org: Some(org.to_string()),
        kind: Some("themed_day".into()),
        held_on: Some(on),
        topic: Some("学习".into()),
        absent,
        ..Default::default()
    };
    meetings::record(&t.db, &a, meeting("B1", day(0), vec![]))
        .await
        .unwrap();
    // The period becomes kept at its first ranking, for both schemes and this year too.
    for (scheme, period) in [
        ("accrual", year.to_string()),
        ("twelve", year.to_string()),
        ("accrual", today.year().to_string()),
    ] {
        points::ranking(
            &t.db,
            &a,
            RankingQuery {
                scheme: Some(scheme.into()),
                period: Some(period),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    agrees(&t, "the first ranking").await;

    // Meetings: a branch's with an unexcused absence, a community's (owed by every branch
    // below it), a street's; then one corrected to another day with a visitor.
    meetings::record(&t.db, &a, meeting("B1", day(1), vec![b1b.to_string()]))
        .await
        .unwrap();
    agrees(&t, "a branch meeting").await;
    // b2 misses the community's meeting: once their branch moves to another community, that
    // meeting is no longer theirs, nor is the absence.
    meetings::record(&t.db, &a, meeting("C", day(2), vec![b2.to_string()]))
        .await
        .unwrap();
    let street = meetings::record(&t.db, &a, meeting("S", day(3), vec![format!("{s}:出差")]))
        .await
        .unwrap();
    agrees(&t, "community and street meetings").await;
    registrations::register_member(&t.db, &a, c2, "C", Some(day(0)))
        .await
        .unwrap();
    agrees(&t, "a registration").await;
    let mut corrected = meeting("S", day(4), vec![]);
    corrected.visitors = vec![];
    meetings::update(&t.db, &a, street.row.id, corrected)
        .await
        .unwrap();
    agrees(&t, "a corrected meeting").await;
    let mut visited = meeting("B1", day(5), vec![]);
    visited.visitors = vec![c2.to_string()];
    meetings::record(&t.db, &a, visited).await.unwrap();
    agrees(&t, "a visit").await;

    // Members: a new one, a transfer mid-period, the end of a registration.
    add("己", 21, "B2").await;
    members::transfer(&t.db, &a, b1, "B2", Some(day(3)), Some("工作调动".into()))
        .await
        .unwrap();
    agrees(&t, "a new member and a transfer").await;
    // A meeting of b1's new branch from before they came, with them marked absent: not theirs.
    meetings::record(&t.db, &a, meeting("B2", day(1), vec![b1.to_string()]))
        .await
        .unwrap();
    agrees(&t, "a meeting from before a transfer").await;
    let reg = ints(
        &t.db,
        &format!("SELECT id FROM registrations WHERE member_id = {c2}"),
    )
    .await[0];
    registrations::end(&t.db, &a, reg, Some(day(6)))
        .await
        .unwrap();
    agrees(&t, "a registration ended").await;

    // Service, a wish, a manual entry.
    registrations::register_member(&t.db, &a, b2, "C", Some(day(0)))
        .await
        .unwrap();
    let served = service::record(
        &t.db,
        &a,
        NewServiceInput {
            member_id: Some(b2),
            community: Some("C".into()),
            served_on: Some(day(7)),
            hours: Some("3".into()),
            activity: Some("环境整治".into()),
        },
    )
    .await
    .unwrap();
    agrees(&t, "service").await;
    service::delete(&t.db, &a, served.id).await.unwrap();
    agrees(&t, "service deleted").await;
    let w = wishes::post(
        &t.db,
        &a,
        NewWishInput {
            community: Some("C".into()),
            title: Some("老花镜".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mv = |action: &str| WishMoveInput {
        action: Some(action.into()),
        member_id: Some(b2),
        ..Default::default()
    };
    wishes::apply(&t.db, &a, w.id, mv("claim")).await.unwrap();
    wishes::apply(&t.db, &a, w.id, mv("fulfil")).await.unwrap();
    agrees(&t, "a wish fulfilled").await;
    let e = points::add_entry(
        &t.db,
        &a,
        NewPoints {
            scheme: Some("accrual".into()),
            item: Some("task".into()),
            member_id: Some(b1b),
            occurred_on: Some(day(8)),
            evidence: Some("照片".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    agrees(&t, "an entry pending").await;
    points::decide(&t.db, &approver(), e.id, true)
        .await
        .unwrap();
    agrees(&t, "an entry approved").await;

    // The scheme changes, and a branch moves to another community.
    let mut accrual = points::schemes(&t.db)
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.code == "accrual")
        .unwrap();
    let attend = accrual
        .items
        .iter_mut()
        .find(|i| i.code == "attend")
        .unwrap();
    attend.points = 3;
    points::save_scheme(&t.db, &a, accrual).await.unwrap();
    agrees(&t, "a scheme change").await;
    orgs::add(
        &t.db,
        &a,
        new_org("C3", "community", Some("S"), COMMUNITY_DIV),
    )
    .await
    .unwrap();
    meetings::record(&t.db, &a, meeting("C3", day(9), vec![]))
        .await
        .unwrap();
    orgs::move_to(&t.db, &a, "B2", "C3").await.unwrap();
    agrees(&t, "a branch moved").await;

    let period = year.to_string();
    for within in [
        None,
        Some("S"),
        Some("C"),
        Some("C2"),
        Some("C3"),
        Some("B2"),
    ] {
        ranks_as_recounted(&t, within, &period, false).await;
    }
    ranks_as_recounted(&t, Some("S"), &period, true).await;

    // A period long past is counted afresh, alike, and not kept by being looked at.
    let past = (year - 2).to_string();
    meetings::record(
        &t.db,
        &a,
        meeting("B1", format!("{past}-05-05"), vec![b1b.to_string()]),
    )
    .await
    .unwrap();
    for within in [None, Some("C"), Some("B1")] {
        ranks_as_recounted(&t, within, &past, false).await;
    }
    ranks_as_recounted(&t, Some("C"), &past, true).await;
    let kept = {
        let mut tx = t.db.read().await.unwrap();
        jiceng_store::points::kept::periods(&mut tx).await.unwrap()
    };
    assert!(!kept.iter().any(|(_, p)| *p == past), "{kept:?}");

    // A period kept under another version of its scheme (a release changed a shipped one) is
    // counted again at its next ranking.
    execute(
        &t.db,
        &format!(
            "UPDATE points_kept SET scheme_doc = '{{}}' WHERE scheme = 'twelve' AND period = '{year}'"
        ),
    )
    .await;
    execute(
        &t.db,
        &format!("UPDATE points_totals SET total = total + 100 WHERE scheme = 'twelve' AND member_id = {b1}"),
    )
    .await;
    points::ranking(
        &t.db,
        &a,
        RankingQuery {
            scheme: Some("twelve".into()),
            period: Some(year.to_string()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    agrees(&t, "a scheme changed by a release").await;
}
