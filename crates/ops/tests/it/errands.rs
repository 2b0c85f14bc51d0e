//! 红色代办 from request to confirmation: a resident's request reviewed, taken by a member in
//! reach, done and confirmed — counted in the member's points — and time returning a held
//! errand to the pool and lapsing a late one. On SQLite or PostgreSQL.

use crate::common::*;
use chrono::Duration;
use jiceng_domain::clock;
use jiceng_domain::errands::ErrandStatus;
use jiceng_ops::errands::{self, ErrandMoveInput, NewErrandInput};
use jiceng_ops::residents::{self, ReviewInput};
use jiceng_ops::{Actor, Db, OpsError, accounts, members, points};
use jiceng_store::Backend;
use jiceng_testkit::both;

fn mv(action: &str) -> ErrandMoveInput {
    ErrandMoveInput {
        action: s(action),
        ..Default::default()
    }
}

fn when(hours: i64) -> String {
    clock::local(clock::now() + Duration::hours(hours))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

async fn member_account(db: &Db, name: &str, member: i64) -> Actor {
    accounts::create(
        db,
        &actor(),
        accounts::NewUser {
            username: s(name),
            password: s(PW),
            role: s("member"),
            member_id: Some(member),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let session = accounts::login(db, name, PW, "test").await.unwrap();
    accounts::session_actor(db, &session.token).await.unwrap().0
}

#[both]
async fn an_errand_is_taken_done_confirmed_and_counted(on: Backend) {
    let t = city(on).await;
    let (b1, _) = buildings(&t.db).await;
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    let (r, view) = resident(&t.db, "13800000021", "孙奶奶", "C", Some(b1)).await;
    residents::review(
        &t.db,
        &worker,
        view.id,
        ReviewInput {
            decision: s("confirm"),
            reason: None,
        },
    )
    .await
    .unwrap();
    let giver = members::add(&t.db, &actor(), new_member("热心党员", 31, "B1"))
        .await
        .unwrap()
        .id;
    let m = member_account(&t.db, "member_giver", giver).await;
    // A member living elsewhere is not in reach.
    let far = members::add(
        &t.db,
        &actor(),
        jiceng_ops::members::NewMember {
            residence_division: s(OTHER_COMMUNITY_DIV),
            ..new_member("远处党员", 33, "B1")
        },
    )
    .await
    .unwrap()
    .id;
    let far = member_account(&t.db, "member_far", far).await;

    // Bad input names its field.
    for (input, named) in [
        (
            NewErrandInput {
                kind: s("bills"),
                title: s("交电费"),
                due_at: s("2000-01-01 10:00"),
                ..Default::default()
            },
            "due_at",
        ),
        (
            NewErrandInput {
                kind: s("bills"),
                title: s("交电费"),
                due_at: s(&when(24 * 40)),
                ..Default::default()
            },
            "due_at",
        ),
        (
            NewErrandInput {
                kind: s("bills"),
                title: s("交电费"),
                due_at: s("明天"),
                ..Default::default()
            },
            "due_at",
        ),
        (
            NewErrandInput {
                kind: s("money"),
                title: s("交电费"),
                due_at: s(&when(5)),
                ..Default::default()
            },
            "kind",
        ),
    ] {
        let e = errands::post(&t.db, &r, input).await.unwrap_err();
        assert_eq!(field(&e), named, "{e}");
    }
    let e = errands::post(
        &t.db,
        &worker,
        NewErrandInput {
            community: s("C"),
            kind: s("medicine"),
            title: s("取药"),
            due_at: s(&when(5)),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "for_whom", "a worker says whom it is for");

    let asked = errands::post(
        &t.db,
        &r,
        NewErrandInput {
            kind: s("bills"),
            title: s("帮忙交本月电费"),
            due_at: s(&when(48)),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(asked.status, ErrandStatus::Pending);
    assert!(
        matches!(
            errands::show(&t.db, &m, asked.id).await,
            Err(OpsError::NotFound { .. })
        ),
        "members see it once approved"
    );
    errands::apply(&t.db, &worker, asked.id, mv("approve"))
        .await
        .unwrap();
    let seen = errands::show(&t.db, &m, asked.id).await.unwrap();
    assert!(seen.offers.contains(&"take"));
    assert_eq!(
        seen.resident_name, None,
        "who asked is not for every member"
    );
    assert!(matches!(
        errands::show(&t.db, &far, asked.id).await,
        Err(OpsError::NotFound { .. })
    ));
    let taken = errands::apply(&t.db, &m, asked.id, mv("take"))
        .await
        .unwrap();
    assert_eq!(
        (taken.status, taken.member_id),
        (ErrandStatus::Taken, Some(giver))
    );
    assert!(taken.hold_until.unwrap() <= taken.due_at);
    let e = errands::apply(&t.db, &worker, asked.id, mv("take"))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "move", "taken once");
    assert!(matches!(
        errands::apply(&t.db, &r, asked.id, mv("finish")).await,
        Err(OpsError::Forbidden(_))
    ));
    errands::apply(
        &t.db,
        &m,
        asked.id,
        ErrandMoveInput {
            note: s("已在网上缴清"),
            ..mv("finish")
        },
    )
    .await
    .unwrap();
    let done = errands::apply(
        &t.db,
        &r,
        asked.id,
        ErrandMoveInput {
            rating: Some(5),
            ..mv("confirm")
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (done.status, done.rating),
        (ErrandStatus::Confirmed, Some(5))
    );
    // Confirmed, it counts in the member's points, from the record.
    let year = chrono::Datelike::year(&clock::today()).to_string();
    let ledger = points::ledger(&t.db, &actor(), giver, "accrual", Some(&year))
        .await
        .unwrap();
    let line = ledger
        .items
        .iter()
        .find(|i| i.source == "errand_done")
        .expect("the errand item");
    assert_eq!((line.raw, line.counted), (2, 2));
    let ranking_total = ledger.total;
    assert!(ranking_total >= 2);
}

#[both]
async fn time_returns_a_held_errand_and_lapses_a_late_one(on: Backend) {
    let t = city(on).await;
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    let giver = members::add(&t.db, &actor(), new_member("热心党员", 31, "B1"))
        .await
        .unwrap()
        .id;
    let m = member_account(&t.db, "member_giver", giver).await;
    let start = clock::now();
    let post = |title: &str, hours: i64| NewErrandInput {
        community: s("C"),
        kind: s("medicine"),
        title: s(title),
        due_at: s(&when(hours)),
        for_whom: s("李大爷"),
        ..Default::default()
    };
    let held = errands::post(&t.db, &worker, post("取降压药", 72))
        .await
        .unwrap();
    let late = errands::post(&t.db, &worker, post("代交燃气费", 2))
        .await
        .unwrap();
    errands::apply(&t.db, &m, held.id, mv("take"))
        .await
        .unwrap();
    {
        // A day and a minute later the hold is over: back in the pool, shown so at once.
        let _t = clock::fix(start + Duration::hours(24) + Duration::minutes(1));
        let back = errands::show(&t.db, &worker, held.id).await.unwrap();
        assert_eq!((back.status, back.member_id), (ErrandStatus::Open, None));
        let gone = errands::show(&t.db, &worker, late.id).await.unwrap();
        assert_eq!(gone.status, ErrandStatus::Lapsed);
        assert!(
            matches!(
                errands::apply(&t.db, &m, late.id, mv("take")).await,
                Err(OpsError::NotFound { .. })
            ),
            "a lapsed errand is in no member's pool"
        );
        let assign = ErrandMoveInput {
            member_id: Some(giver),
            ..mv("take")
        };
        let e = errands::apply(&t.db, &worker, late.id, assign)
            .await
            .unwrap_err();
        assert_eq!(field(&e), "move", "nor assigned");
        // The sweep writes it so; another member may take the returned one.
        let n = errands::sweep(&t.db, clock::now()).await.unwrap();
        assert_eq!(n, 2);
        let again = errands::apply(&t.db, &m, held.id, mv("take"))
            .await
            .unwrap();
        assert_eq!(again.status, ErrandStatus::Taken);
        assert_eq!(errands::sweep(&t.db, clock::now()).await.unwrap(), 0);
    }
}
