//! 双向评价: grades between a community and its registered units and members, once a year per
//! pair, feeding the assessment; on SQLite or PostgreSQL.

use crate::common::*;
use jiceng_ops::accounts::{self, NewUser};
use jiceng_ops::evaluations::{self, ListPairs, NewEvaluation};
use jiceng_ops::orgs::{self, NewOrg};
use jiceng_ops::units::{self, NewUnit};
use jiceng_ops::{Actor, Db, OpsError, assessment, members, registrations};
use jiceng_store::Backend;
use jiceng_testkit::both;

fn field(e: &OpsError) -> &'static str {
    e.body().field.unwrap_or("")
}

pub(crate) async fn liaison(db: &Db, unit: i64) -> Actor {
    accounts::create(
        db,
        &actor(),
        NewUser {
            username: s("liaison"),
            password: s("Correct-horse-42"),
            role: s("unit_liaison"),
            scope: s("C"),
            unit_id: Some(unit),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let session = accounts::login(db, "liaison", "Correct-horse-42", "test")
        .await
        .unwrap();
    accounts::session_actor(db, &session.token).await.unwrap().0
}

fn grade(subject: &str, who: i64, g: &str) -> NewEvaluation {
    NewEvaluation {
        year: s("2025"),
        subject: s(subject),
        community: s("C"),
        member: (subject == "member").then(|| who.to_string()),
        unit: (subject != "member").then(|| who.to_string()),
        grade: s(g),
        comment: s("积极参与社区治理"),
    }
}

#[both]
async fn communities_and_units_grade_each_other_once_a_year(on: Backend) {
    let t = city(on).await;
    let a = actor();
    orgs::add(
        &t.db,
        &a,
        NewOrg {
            category: s("unit"),
            ..new_org("U1", "branch", Some("C"), COMMUNITY_DIV)
        },
    )
    .await
    .unwrap();
    let unit = units::add(
        &t.db,
        &a,
        NewUnit {
            name: s("莆田市城市管理局"),
            category: s("机关"),
            division_code: s(COMMUNITY_DIV),
            org: s("U1"),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .row
    .id;
    let member = members::add(&t.db, &a, new_member("林在职", 61, "B1"))
        .await
        .unwrap()
        .id;
    let late = members::add(&t.db, &a, new_member("陈新来", 63, "B2"))
        .await
        .unwrap()
        .id;
    registrations::register_unit(&t.db, &a, unit, "C", s("2025-03-01"))
        .await
        .unwrap();
    registrations::register_member(&t.db, &a, member, "C", s("2025-02-01"))
        .await
        .unwrap();
    registrations::register_member(&t.db, &a, late, "C", s("2026-01-05"))
        .await
        .unwrap();

    let year = |pending: bool| ListPairs {
        year: s("2025"),
        within: s("S"),
        pending,
        ..Default::default()
    };
    let owed = evaluations::pairs(&t.db, &a, year(true)).await.unwrap();
    let owed_total: i64 = owed.progress.iter().map(|p| p.owed).sum();
    assert_eq!(
        owed_total, 3,
        "the unit both ways and the member; not the late one"
    );
    assert_eq!(owed.page.items.len(), 3);

    evaluations::rate(&t.db, &a, grade("unit", unit, "good"))
        .await
        .unwrap();
    let again = evaluations::rate(&t.db, &a, grade("unit", unit, "excellent")).await;
    assert!(matches!(again, Err(OpsError::Conflict(_))), "{again:?}");
    assert_eq!(count(&t.db, "SELECT COUNT(*) FROM evaluations").await, 1);
    evaluations::rate(&t.db, &a, grade("member", member, "优秀"))
        .await
        .unwrap();
    let e = evaluations::rate(&t.db, &a, grade("member", late, "good"))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "member", "not registered in 2025: {e}");

    // The unit's liaison grades the community, but not its own unit.
    let l = liaison(&t.db, unit).await;
    let e = evaluations::rate(&t.db, &l, grade("unit", unit, "excellent"))
        .await
        .unwrap_err();
    assert!(matches!(e, OpsError::Forbidden(_)), "{e}");
    let back = evaluations::rate(&t.db, &l, grade("community", unit, "fair"))
        .await
        .unwrap();
    let mine = evaluations::pairs(&t.db, &l, ListPairs::default()).await;
    assert!(mine.is_ok(), "a liaison sees their own unit's pairs");
    let mine = evaluations::pairs(
        &t.db,
        &l,
        ListPairs {
            year: s("2025"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(mine.page.items.iter().all(|p| p.unit_id == Some(unit)));
    assert_eq!(mine.page.items.len(), 2);

    let done = evaluations::pairs(&t.db, &a, year(true)).await.unwrap();
    assert!(done.page.items.is_empty(), "every pair graded");
    let all = evaluations::pairs(&t.db, &a, year(false)).await.unwrap();
    assert!(all.progress.iter().all(|p| p.done == p.owed));

    // Bad input names the field and writes nothing.
    for (bad, f) in [
        (
            NewEvaluation {
                year: s("2099"),
                ..grade("unit", unit, "good")
            },
            "year",
        ),
        (grade("unit", unit, "很好"), "grade"),
        (
            NewEvaluation {
                subject: s("street"),
                ..grade("unit", unit, "good")
            },
            "subject",
        ),
        (
            NewEvaluation {
                community: s("B1"),
                ..grade("unit", unit, "good")
            },
            "community",
        ),
    ] {
        let e = evaluations::rate(&t.db, &a, bad).await.unwrap_err();
        assert_eq!(field(&e), f, "{e}");
    }
    assert_eq!(count(&t.db, "SELECT COUNT(*) FROM evaluations").await, 3);

    // The files show them; the assessment weighs them.
    let m = members::show(&t.db, &a, member, false).await.unwrap();
    assert_eq!(m.evaluations.len(), 1);
    assert_eq!(m.evaluations[0].grade.code(), "excellent");
    let u = units::show(&t.db, &a, unit).await.unwrap();
    assert_eq!(u.evaluations.len(), 2, "received and given");
    let r = assessment::quarter(&t.db, &a, Some("S"), "2025-Q4")
        .await
        .unwrap();
    let part = |code: &str| {
        r.orgs
            .iter()
            .find(|o| o.org.code == code)
            .and_then(|o| o.evaluation)
    };
    assert_eq!(part("B1"), Some(1.0), "the member's excellent");
    assert_eq!(part("U1"), Some(0.8), "the unit's good");
    assert_eq!(part("B2"), None, "no grade, no part");

    // Withdrawing lets the liaison grade again, and is audited.
    evaluations::withdraw(&t.db, &l, back.id).await.unwrap();
    evaluations::rate(&t.db, &l, grade("community", unit, "good"))
        .await
        .unwrap();
    assert_eq!(
        count(
            &t.db,
            "SELECT COUNT(*) FROM audit_log WHERE operation LIKE 'evaluation.%'"
        )
        .await,
        5
    );
}
