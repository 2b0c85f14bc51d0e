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

/// A confirmed resident of C in `building`.
async fn confirmed_resident(db: &Db, phone: &str, building: i64) -> Actor {
    use jiceng_ops::residents::{self, ReviewInput};
    let (r, view) = resident(db, phone, "居民", "C", Some(building)).await;
    residents::review(
        db,
        &actor(),
        view.id,
        ReviewInput {
            decision: s("confirm"),
            reason: None,
        },
    )
    .await
    .unwrap();
    r
}

#[both]
async fn a_residents_wish_waits_for_review_then_is_fulfilled_and_rated_by_them(on: Backend) {
    use jiceng_ops::needs::RatingInput;
    let t = city(on).await;
    let a = actor();
    let (b1, _) = buildings(&t.db).await;
    let giver = members::add(&t.db, &a, new_member("热心", 11, "B1"))
        .await
        .unwrap()
        .id;
    registrations::register_member(&t.db, &a, giver, "C", None)
        .await
        .unwrap();
    let me = member_account(&t.db, "giver", giver).await;
    let wish = |title: &str| NewWishInput {
        title: s(title),
        detail: s("腿脚不便"),
        ..Default::default()
    };

    // Not before the community confirms them.
    let (unconfirmed, _) = resident(&t.db, "13800000011", "未确认", "C", Some(b1)).await;
    let e = wishes::post(&t.db, &unconfirmed, wish("想要一副老花镜"))
        .await
        .unwrap_err();
    assert!(matches!(e, OpsError::Forbidden(_)), "{e}");
    assert_eq!(count(&t.db, "SELECT COUNT(*) FROM wishes").await, 0);

    // Posted to their own community (whatever they name), pending, with their name.
    let r = confirmed_resident(&t.db, "13800000012", b1).await;
    let w = wishes::post(
        &t.db,
        &r,
        NewWishInput {
            community: s("B1"),
            ..wish("想要一副老花镜")
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (w.status.code(), w.community_name.as_str(), w.resident_post),
        ("pending", "测试组织C", true)
    );
    assert_eq!(w.resident.as_deref(), Some("居民"));
    assert_eq!(
        wishes::policy::offers(&r, &w),
        vec!["withdraw"],
        "the resident may withdraw it while it waits"
    );

    // Members see nothing of it while it waits; the resident sees their own.
    let seen = wishes::list(&t.db, &me, ListWishes::default())
        .await
        .unwrap();
    assert!(seen.items.is_empty());
    assert!(matches!(
        wishes::apply(&t.db, &me, w.id, mv("claim"))
            .await
            .unwrap_err(),
        OpsError::NotFound { .. }
    ));
    let mine = wishes::list(&t.db, &r, ListWishes::default())
        .await
        .unwrap();
    assert_eq!(
        mine.items.iter().map(|w| w.id).collect::<Vec<_>>(),
        vec![w.id]
    );

    // Another resident reaches neither it nor its moves.
    let other = confirmed_resident(&t.db, "13800000013", b1).await;
    assert!(
        wishes::list(&t.db, &other, ListWishes::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    for m in ["withdraw", "approve"] {
        assert!(matches!(
            wishes::apply(&t.db, &other, w.id, mv(m)).await.unwrap_err(),
            OpsError::NotFound { .. }
        ));
    }
    // The community does not withdraw a wish waiting for review: it refuses it, with a reason.
    assert!(matches!(
        wishes::apply(&t.db, &a, w.id, mv("withdraw"))
            .await
            .unwrap_err(),
        OpsError::Forbidden(_)
    ));
    // The resident may not approve their own; the community refuses only with a reason.
    assert!(matches!(
        wishes::apply(&t.db, &r, w.id, mv("approve"))
            .await
            .unwrap_err(),
        OpsError::Forbidden(_)
    ));
    let e = wishes::apply(&t.db, &a, w.id, mv("refuse"))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "reason");
    let still = wishes::list(&t.db, &r, ListWishes::default())
        .await
        .unwrap();
    assert_eq!(still.items[0].status.code(), "pending", "nothing written");

    // Approved, it opens to members; claimed, fulfilled, counted, then rated once by them.
    let open = wishes::apply(&t.db, &a, w.id, mv("approve")).await.unwrap();
    assert_eq!(open.status.code(), "open");
    let seen = wishes::list(&t.db, &me, ListWishes::default())
        .await
        .unwrap();
    assert_eq!(seen.items.len(), 1);
    assert_eq!(seen.items[0].resident, None, "the member does not see who");
    wishes::apply(&t.db, &me, w.id, mv("claim")).await.unwrap();
    let rating = |n: i64| RatingInput {
        rating: Some(n),
        note: s("很及时"),
    };
    let e = wishes::rate(&t.db, &r, w.id, rating(5)).await.unwrap_err();
    assert_eq!(field(&e), "rating", "not before it is fulfilled");
    wishes::apply(&t.db, &a, w.id, mv("fulfil")).await.unwrap();
    assert!(matches!(
        wishes::rate(&t.db, &me, w.id, rating(5)).await.unwrap_err(),
        OpsError::Forbidden(_)
    ));
    assert_eq!(
        field(&wishes::rate(&t.db, &r, w.id, rating(6)).await.unwrap_err()),
        "rating"
    );
    let rated = wishes::rate(&t.db, &r, w.id, rating(4)).await.unwrap();
    assert_eq!(
        (rated.rating, rated.rating_note.as_deref()),
        (Some(4), Some("很及时"))
    );
    let e = wishes::rate(&t.db, &r, w.id, rating(5)).await.unwrap_err();
    assert_eq!(field(&e), "rating", "rated once: {e}");
    assert_eq!(
        count(
            &t.db,
            &format!("SELECT rating FROM wishes WHERE id = {}", w.id)
        )
        .await,
        4
    );

    // A refused wish tells the resident why; one still waiting the resident may withdraw.
    let w2 = wishes::post(&t.db, &r, wish("帮忙买菜")).await.unwrap();
    let refused = wishes::apply(
        &t.db,
        &a,
        w2.id,
        WishMoveInput {
            reason: s("请改为红色代办"),
            ..mv("refuse")
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (refused.status.code(), refused.refusal.as_deref()),
        ("refused", Some("请改为红色代办"))
    );
    let w3 = wishes::post(&t.db, &r, wish("修收音机")).await.unwrap();
    let gone = wishes::apply(&t.db, &r, w3.id, mv("withdraw"))
        .await
        .unwrap();
    assert_eq!(gone.status.code(), "withdrawn");
    let audit = count(
        &t.db,
        "SELECT COUNT(*) FROM audit_log WHERE operation IN ('wish.approve', 'wish.refuse', 'wish.rate')",
    )
    .await;
    assert_eq!(audit, 3);
}
