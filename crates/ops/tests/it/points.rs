//! Member points from records and by hand, on SQLite or PostgreSQL.

use crate::common::*;
use jiceng_ops::orglife::meetings::{self, NewMeeting};
use jiceng_ops::points::{self, NewPoints, RankingQuery};
use jiceng_ops::{Actor, OpsError, members, registrations};
use jiceng_store::Backend;
use jiceng_testkit::both;

fn meeting(org: &str, kind: &str, on: &str, absent: Vec<String>) -> NewMeeting {
    NewMeeting {
        org: s(org),
        kind: s(kind),
        held_on: s(on),
        topic: s("学习"),
        absent,
        ..Default::default()
    }
}

fn other() -> Actor {
    Actor::Operator {
        name: "cli:approver".into(),
    }
}

fn field(e: &OpsError) -> &'static str {
    e.body().field.unwrap_or("")
}

#[both]
async fn points_come_from_meetings_registrations_and_approved_entries(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let good = members::add(&t.db, &a, new_member("积极", 11, "B1"))
        .await
        .unwrap()
        .id;
    let lax = members::add(&t.db, &a, new_member("松散", 13, "B1"))
        .await
        .unwrap()
        .id;
    let excused = members::add(&t.db, &a, new_member("请假", 15, "B1"))
        .await
        .unwrap()
        .id;
    // Four meetings of B1 in 2025; `lax` misses two without a reason, `excused` one with.
    for (i, on) in ["2025-02-01", "2025-04-01", "2025-06-01", "2025-08-01"]
        .iter()
        .enumerate()
    {
        let mut absent = Vec::new();
        if i < 2 {
            absent.push(lax.to_string());
        }
        if i == 0 {
            absent.push(format!("{excused}:病假"));
        }
        meetings::record(&t.db, &a, meeting("B1", "themed_day", on, absent))
            .await
            .unwrap();
    }
    registrations::register_member(&t.db, &a, good, "C", s("2025-01-10"))
        .await
        .unwrap();

    let l = points::ledger(&t.db, &a, good, "accrual", Some("2025"))
        .await
        .unwrap();
    assert_eq!(l.meetings.len(), 4);
    assert!(l.registered);
    assert_eq!(
        l.total,
        4 * 2 + 10,
        "four meetings attended and the registration"
    );
    let l = points::ledger(&t.db, &a, lax, "accrual", Some("2025"))
        .await
        .unwrap();
    assert_eq!(l.total, 2 * 2 - 2 * 5);
    let l = points::ledger(&t.db, &a, excused, "twelve", Some("2025"))
        .await
        .unwrap();
    assert_eq!(l.total, 12, "an absence with a reason costs nothing");
    let l = points::ledger(&t.db, &a, lax, "twelve", Some("2025"))
        .await
        .unwrap();
    assert_eq!(l.total, 8, "two unexcused absences cost 2 each");

    // Manual points wait for a second person's approval, within the item's cap.
    let volunteer = |times| NewPoints {
        scheme: s("accrual"),
        item: s("task"),
        member_id: Some(excused),
        occurred_on: s("2025-05-01"),
        times: Some(times),
        evidence: s("服务记录照片"),
        ..Default::default()
    };
    let e = points::add_entry(&t.db, &a, volunteer(2)).await.unwrap();
    assert_eq!((e.points, e.status.code()), (10, "pending"));
    let err = points::add_entry(&t.db, &a, volunteer(3))
        .await
        .unwrap_err();
    assert_eq!(
        field(&err),
        "points",
        "10 pending + 15 passes the cap of 20: {err}"
    );
    let err = points::decide(&t.db, &a, e.id, true).await.unwrap_err();
    assert!(
        matches!(err, OpsError::Forbidden(_)),
        "no approving one's own entry"
    );
    let before = points::ledger(&t.db, &a, excused, "accrual", Some("2025"))
        .await
        .unwrap()
        .total;
    points::decide(&t.db, &other(), e.id, true).await.unwrap();
    let after = points::ledger(&t.db, &a, excused, "accrual", Some("2025"))
        .await
        .unwrap()
        .total;
    assert_eq!(after, before + 10);
    // Volunteering outside any community's records is still entered by hand, on approval.
    let year_before = || points::ledger(&t.db, &a, excused, "accrual", Some("2024"));
    let earlier = year_before().await.unwrap().total;
    let elsewhere = points::add_entry(
        &t.db,
        &a,
        NewPoints {
            item: s("volunteer"),
            occurred_on: s("2024-05-01"),
            ..volunteer(1)
        },
    )
    .await
    .unwrap();
    points::decide(&t.db, &other(), elsewhere.id, true)
        .await
        .unwrap();
    assert_eq!(year_before().await.unwrap().total, earlier + 5);
    assert!(
        points::decide(&t.db, &other(), e.id, false).await.is_err(),
        "decided once"
    );

    let err = points::add_entry(
        &t.db,
        &a,
        NewPoints {
            item: s("attend"),
            ..volunteer(1)
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&err), "item", "record-based items are not typed in");
    let err = points::add_entry(
        &t.db,
        &a,
        NewPoints {
            evidence: None,
            ..volunteer(1)
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&err), "evidence");

    // Ranking within the community: totals as the ledgers say, ties share a rank.
    let r = points::ranking(
        &t.db,
        &a,
        RankingQuery {
            within: s("C"),
            scheme: s("accrual"),
            period: s("2025"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(r.members, 3);
    assert_eq!(
        (r.items[0].member_id, r.items[0].total),
        (good, 18),
        "{:?}",
        r.items
    );
    assert_eq!(
        (r.items[1].member_id, r.items[1].total),
        (excused, 3 * 2 + 10)
    );
    assert_eq!(r.items[2].total, -6);
    let r = points::ranking(
        &t.db,
        &a,
        RankingQuery {
            within: s("C"),
            scheme: s("twelve"),
            period: s("2025"),
            ascending: Some(true),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!((r.items[0].member_id, r.items[0].total), (lax, 8));
    assert_eq!(
        (r.items[1].rank, r.items[2].rank),
        (2, 2),
        "equal totals share a rank"
    );
    let err = points::ranking(
        &t.db,
        &a,
        RankingQuery {
            scheme: s("twelve"),
            period: s("2025-Q1"),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&err), "period");
}

#[both]
async fn schemes_are_data_checked_before_they_are_stored(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let mut s12 = points::schemes(&t.db)
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.code == "twelve")
        .unwrap();
    s12.items[0].points = -3;
    points::save_scheme(&t.db, &a, s12.clone()).await.unwrap();
    let stored = points::schemes(&t.db)
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.code == "twelve")
        .unwrap();
    assert_eq!(stored.items[0].points, -3);
    s12.items[0].cap = Some(-1);
    let err = points::save_scheme(&t.db, &a, s12).await.unwrap_err();
    assert_eq!(field(&err), "cap");
}

#[both]
async fn a_visit_counts_the_same_in_the_ledger_and_the_ranking(on: Backend) {
    let t = city(on).await;
    let a = actor();
    members::add(&t.db, &a, new_member("本支部", 21, "B1"))
        .await
        .unwrap();
    let visitor = members::add(&t.db, &a, new_member("来访", 23, "B2"))
        .await
        .unwrap()
        .id;
    registrations::register_member(&t.db, &a, visitor, "C", s("2025-01-01"))
        .await
        .unwrap();
    let mut m = meeting("B1", "themed_day", "2025-05-01", Vec::new());
    m.visitors = vec![visitor.to_string()];
    meetings::record(&t.db, &a, m).await.unwrap();
    let ledger = points::ledger(&t.db, &a, visitor, "accrual", Some("2025"))
        .await
        .unwrap();
    assert_eq!(ledger.total, 2 + 10, "one visit and the registration");
    let r = points::ranking(
        &t.db,
        &a,
        RankingQuery {
            within: s("C"),
            scheme: s("accrual"),
            period: s("2025"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let ranked = r.items.iter().find(|x| x.member_id == visitor).unwrap();
    assert_eq!(ranked.total, ledger.total);
}

#[both]
async fn a_member_transferred_mid_year_owes_each_branch_its_own_months(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let mover = members::add(&t.db, &a, new_member("调动", 21, "B1"))
        .await
        .unwrap()
        .id;
    let stayer = members::add(&t.db, &a, new_member("留守", 23, "B2"))
        .await
        .unwrap()
        .id;
    // B1 meets twice before July, B2 three times before July and once after.
    for (org, on) in [
        ("B1", "2025-03-05"),
        ("B1", "2025-05-05"),
        ("B1", "2025-09-05"),
        ("B2", "2025-02-10"),
        ("B2", "2025-04-10"),
        ("B2", "2025-06-10"),
        ("B2", "2025-08-10"),
    ] {
        meetings::record(&t.db, &a, meeting(org, "themed_day", on, vec![]))
            .await
            .unwrap();
    }
    jiceng_ops::members::transfer(&t.db, &a, mover, "B2", s("2025-07-01"), s("工作调动"))
        .await
        .unwrap();
    let ledger = points::ledger(&t.db, &a, mover, "accrual", Some("2025"))
        .await
        .unwrap();
    let attended: Vec<String> = ledger
        .meetings
        .iter()
        .map(|m| m.held_on.to_string())
        .collect();
    assert_eq!(
        attended,
        ["2025-03-05", "2025-05-05", "2025-08-10"],
        "B1's before the move, B2's after"
    );
    let ranking = points::ranking(
        &t.db,
        &a,
        RankingQuery {
            within: s("C"),
            period: s("2025"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let total = |id: i64| {
        ranking
            .items
            .iter()
            .find(|r| r.member_id == id)
            .unwrap()
            .total
    };
    assert_eq!(
        total(mover),
        ledger.total,
        "the ranking agrees with the ledger"
    );
    let stayed = points::ledger(&t.db, &a, stayer, "accrual", Some("2025"))
        .await
        .unwrap();
    assert_eq!(stayed.meetings.len(), 4);
    assert_eq!(total(stayer), stayed.total);
}

#[both]
async fn the_approval_queue_pages_oldest_first_by_keyset(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let m = members::add(&t.db, &a, new_member("登记", 11, "B1"))
        .await
        .unwrap()
        .id;
    let m2 = members::add(&t.db, &a, new_member("再登记", 13, "B2"))
        .await
        .unwrap()
        .id;
    let mut entered = Vec::new();
    for day in 1..=5 {
        // Four entries of one item reach its cap; two members share them.
        let m = if day % 2 == 0 { m2 } else { m };
        let e = points::add_entry(
            &t.db,
            &a,
            NewPoints {
                scheme: s("accrual"),
                item: s("volunteer"),
                member_id: Some(m),
                occurred_on: Some(format!("2025-03-0{day}")),
                evidence: s("照片"),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        entered.push(e.id);
    }
    // One decided leaves the queue.
    points::decide(&t.db, &other(), entered[1], false)
        .await
        .unwrap();
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = points::pending(
            &t.db,
            &other(),
            points::PendingQuery {
                after: after.clone(),
                limit: Some(2),
            },
        )
        .await
        .unwrap();
        assert!(page.items.len() <= 2);
        seen.extend(page.items.iter().map(|e| e.id));
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    let waiting: Vec<i64> = entered
        .iter()
        .copied()
        .filter(|id| *id != entered[1])
        .collect();
    assert_eq!(seen, waiting, "each waiting entry once, oldest first");
    let err = points::pending(
        &t.db,
        &other(),
        points::PendingQuery {
            after: s("昨天"),
            limit: None,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&err), "after");
}
