//! Volunteer service records and the points they give, on SQLite or PostgreSQL.

use crate::common::*;
use chrono::Datelike;
use jiceng_ops::points::{self, RankingQuery};
use jiceng_ops::service::{self, ListService, NewServiceInput};
use jiceng_ops::{OpsError, accounts, members};
use jiceng_store::Backend;
use jiceng_testkit::both;

fn field(e: &OpsError) -> &'static str {
    e.body().field.unwrap_or("")
}

#[both]
async fn recorded_service_counts_in_whole_hours_towards_points(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let who = members::add(&t.db, &a, new_member("热心", 11, "B1"))
        .await
        .unwrap()
        .id;
    let today = jiceng_domain::clock::today();
    let year = today.year().to_string();
    let served = |hours: &str, on: Option<String>| NewServiceInput {
        member_id: Some(who),
        community: s("C"),
        served_on: on,
        hours: s(hours),
        activity: s("社区环境整治"),
    };
    let first = service::record(&t.db, &a, served("1.5", None))
        .await
        .unwrap();
    assert_eq!(first.minutes, 90);
    service::record(&t.db, &a, served("2", None)).await.unwrap();

    // Bad input is named and writes nothing.
    for (bad, want) in [
        (served("1.2", None), "hours"),
        (served("2", s("2999-01-01")), "served_on"),
        (
            NewServiceInput {
                community: s("B1"),
                ..served("2", None)
            },
            "community",
        ),
        (
            NewServiceInput {
                activity: s(" "),
                ..served("2", None)
            },
            "activity",
        ),
    ] {
        let e = service::record(&t.db, &a, bad).await.unwrap_err();
        assert_eq!(field(&e), want, "{e}");
    }
    accounts::create(
        &t.db,
        &a,
        accounts::NewUser {
            username: s("c2sec"),
            password: s("Correct-horse-42"),
            role: s("community_secretary"),
            scope: s("C2"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let session = accounts::login(&t.db, "c2sec", "Correct-horse-42", "test")
        .await
        .unwrap();
    let outsider = accounts::session_actor(&t.db, &session.token)
        .await
        .unwrap()
        .0;
    let e = service::record(&t.db, &outsider, served("2", None))
        .await
        .unwrap_err();
    assert_eq!(
        field(&e),
        "community",
        "a community elsewhere answers as missing: {e}"
    );
    let e = service::record(
        &t.db,
        &outsider,
        NewServiceInput {
            community: s("C2"),
            ..served("2", None)
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        field(&e),
        "member",
        "not theirs and not registered there: {e}"
    );

    // 3.5 hours give 3 points in the accrual scheme, on the ledger and in the ranking.
    let ledger = points::ledger(&t.db, &a, who, "accrual", Some(&year))
        .await
        .unwrap();
    let item = ledger
        .items
        .iter()
        .find(|i| i.item == "service_hours")
        .unwrap();
    assert_eq!((item.raw, item.counted), (3, 3));
    assert_eq!(ledger.service.len(), 2);
    let ranking = points::ranking(
        &t.db,
        &a,
        RankingQuery {
            within: s("C"),
            period: Some(year.clone()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mine = ranking.items.iter().find(|r| r.member_id == who).unwrap();
    assert_eq!(mine.total, ledger.total);
    let listed = service::list(
        &t.db,
        &a,
        ListService {
            within: s("C"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(listed.items.len(), 2);
    let hours = service::at_community(&t.db, &a, "C", today.year())
        .await
        .unwrap();
    assert_eq!(hours.get(&who), Some(&210));

    // Deleting a record takes its hours back out.
    service::delete(&t.db, &a, first.id).await.unwrap();
    let ledger = points::ledger(&t.db, &a, who, "accrual", Some(&year))
        .await
        .unwrap();
    let item = ledger
        .items
        .iter()
        .find(|i| i.item == "service_hours")
        .unwrap();
    assert_eq!(item.counted, 2);
}
