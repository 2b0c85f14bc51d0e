//! 微心愿 from posting to fulfilment, the refusals on the way, and the points they give, on
//! SQLite or PostgreSQL.

use crate::common::*;
use chrono::Datelike;
use jiceng_ops::accounts::{self, NewUser};
use jiceng_ops::points;
use jiceng_ops::wishes::{self, ListWishes, NewWishInput, WishMoveInput};
use jiceng_ops::{Actor, Db, OpsError, members, registrations};
use jiceng_store::Backend;
use jiceng_testkit::both;

fn field(e: &OpsError) -> &'static str {
    e.body().field.unwrap_or("")
}

fn mv(action: &str) -> WishMoveInput {
    WishMoveInput {
        action: s(action),
        ..Default::default()
    }
}

async fn member_account(db: &Db, name: &str, member: i64) -> Actor {
    accounts::create(
        db,
        &actor(),
        NewUser {
            username: s(name),
            password: s("Correct-horse-42"),
            role: s("member"),
            member_id: Some(member),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let session = accounts::login(db, name, "Correct-horse-42", "test")
        .await
        .unwrap();
    accounts::session_actor(db, &session.token).await.unwrap().0
}

#[both]
async fn a_wish_is_claimed_by_a_member_fulfilled_and_counted(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let giver = members::add(&t.db, &a, new_member("热心", 11, "B1"))
        .await
        .unwrap()
        .id;
    let other = members::add(&t.db, &a, new_member("旁人", 13, "B1"))
        .await
        .unwrap()
        .id;
    registrations::register_member(&t.db, &a, giver, "C", None)
        .await
        .unwrap();
    let post = |title: &str| NewWishInput {
        community: s("C"),
        title: s(title),
        resident: s("王奶奶"),
        ..Default::default()
    };
    let e = wishes::post(&t.db, &a, post(" ")).await.unwrap_err();
    assert_eq!(field(&e), "title");
    let e = wishes::post(
        &t.db,
        &a,
        NewWishInput {
            community: s("B1"),
            ..post("老花镜")
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "community");
    let w = wishes::post(&t.db, &a, post("想要一副老花镜"))
        .await
        .unwrap();
    assert_eq!(w.status.code(), "open");

    // The member sees it on their phone without the resident's name, and claims it.
    let me = member_account(&t.db, "giver", giver).await;
    let seen = wishes::list(&t.db, &me, ListWishes::default())
        .await
        .unwrap();
    assert_eq!(seen.items.len(), 1);
    assert_eq!(seen.items[0].resident, None);
    let e = wishes::apply(&t.db, &me, w.id, mv("fulfil"))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "move", "an open wish is not fulfilled: {e}");
    let e = wishes::apply(
        &t.db,
        &me,
        w.id,
        WishMoveInput {
            member_id: Some(other),
            ..mv("claim")
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(e, OpsError::Forbidden(_)),
        "not for someone else: {e}"
    );
    let claimed = wishes::apply(&t.db, &me, w.id, mv("claim")).await.unwrap();
    assert_eq!(
        (claimed.status.code(), claimed.member_id),
        ("claimed", Some(giver))
    );
    let e = wishes::apply(&t.db, &me, w.id, mv("claim"))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "move");
    // Only the community confirms it fulfilled, and not on a future day.
    let e = wishes::apply(&t.db, &me, w.id, mv("fulfil"))
        .await
        .unwrap_err();
    assert!(matches!(e, OpsError::Forbidden(_)), "{e}");
    let e = wishes::apply(
        &t.db,
        &a,
        w.id,
        WishMoveInput {
            on: s("2999-01-01"),
            ..mv("fulfil")
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "fulfilled_on");
    let done = wishes::apply(&t.db, &a, w.id, mv("fulfil")).await.unwrap();
    assert_eq!(done.status.code(), "fulfilled");

    // Three points in the accrual scheme, on the ledger and in the ranking.
    let year = jiceng_domain::clock::today().year().to_string();
    let ledger = points::ledger(&t.db, &a, giver, "accrual", Some(&year))
        .await
        .unwrap();
    let item = ledger.items.iter().find(|i| i.item == "wish").unwrap();
    assert_eq!(item.counted, 3);
    assert_eq!(ledger.wishes.len(), 1);
    let ranking = points::ranking(
        &t.db,
        &a,
        points::RankingQuery {
            within: s("C"),
            period: Some(year),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let top = ranking.items.iter().find(|r| r.member_id == giver).unwrap();
    assert_eq!(top.total, ledger.total);

    // An open wish can be withdrawn by the community; a claim can be given up.
    let w2 = wishes::post(&t.db, &a, post("修水龙头")).await.unwrap();
    wishes::apply(&t.db, &me, w2.id, mv("claim")).await.unwrap();
    let back = wishes::apply(&t.db, &me, w2.id, mv("release"))
        .await
        .unwrap();
    assert_eq!((back.status.code(), back.member_id), ("open", None));
    let gone = wishes::apply(&t.db, &a, w2.id, mv("withdraw"))
        .await
        .unwrap();
    assert_eq!(gone.status.code(), "withdrawn");
    let open = wishes::list(
        &t.db,
        &a,
        ListWishes {
            within: s("C"),
            status: s("open"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(open.items.is_empty());
}
