//! 共驻共建 agreements and commitments at the use-case level, on SQLite or PostgreSQL: signing
//! with its refusals, marking commitments by the unit's liaison, and the assessment part.

use crate::common::*;
use jiceng_ops::accounts::{self, NewUser};
use jiceng_ops::assessment;
use jiceng_ops::cobuilding::{self, CommitmentInput, ListAgreements, NewAgreementInput};
use jiceng_ops::orglife::meetings::{self, NewMeeting};
use jiceng_ops::orgs::{self, NewOrg};
use jiceng_ops::units::{self, NewUnit};
use jiceng_ops::{Actor, Db, OpsError};
use jiceng_store::Backend;
use jiceng_testkit::both;

fn field(e: &OpsError) -> &'static str {
    e.body().field.unwrap_or("")
}

async fn liaison(db: &Db, name: &str, unit: i64) -> Actor {
    accounts::create(
        db,
        &actor(),
        NewUser {
            username: s(name),
            password: s("Correct-horse-42"),
            role: s("unit_liaison"),
            scope: s("C"),
            unit_id: Some(unit),
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

async fn unit(db: &Db, name: &str, division: &str, org: Option<&str>) -> i64 {
    units::add(
        db,
        &actor(),
        NewUnit {
            name: s(name),
            category: s("机关"),
            division_code: s(division),
            org: org.map(str::to_string),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .row
    .id
}

#[both]
async fn an_agreement_is_signed_once_a_year_and_its_commitments_marked(on: Backend) {
    let t = city(on).await;
    let a = actor();
    for (code, parent, div) in [
        ("U1", "C", COMMUNITY_DIV),
        ("U2", "C2", OTHER_COMMUNITY_DIV),
    ] {
        orgs::add(
            &t.db,
            &a,
            NewOrg {
                category: s("unit"),
                ..new_org(code, "branch", Some(parent), div)
            },
        )
        .await
        .unwrap();
    }
    let ours = unit(&t.db, "城市管理局", COMMUNITY_DIV, Some("U1")).await;
    let theirs = unit(&t.db, "邻社区超市", OTHER_COMMUNITY_DIV, Some("U2")).await;
    let agreement = |unit: i64, org: &str, lines: &str| NewAgreementInput {
        unit_id: Some(unit),
        org: s(org),
        year: Some(2025),
        signed_on: s("2025-01-15"),
        lines: s(lines),
        ..Default::default()
    };
    let lines = "开放停车场|2025-06-30\n认领微心愿 10 个|2025-12-31";
    let d = cobuilding::sign(&t.db, &a, agreement(ours, "C", lines))
        .await
        .unwrap();
    assert_eq!((d.agreement.items, d.agreement.done), (2, 0));
    assert_eq!(d.commitments[0].title, "开放停车场");

    // Refusals, each by name, and nothing written.
    for (new, want) in [
        (agreement(ours, "C", lines), "unit"),
        (agreement(theirs, "C", lines), "unit"),
        (agreement(ours, "B1", lines), "org"),
        (agreement(ours, "C", "开放停车场|2026-06-30"), "due_on"),
        (agreement(ours, "C", "开放停车场 2025-06-30"), "commitments"),
        (
            NewAgreementInput {
                year: Some(2099),
                ..agreement(ours, "C", lines)
            },
            "year",
        ),
    ] {
        let e = cobuilding::sign(&t.db, &a, new).await.unwrap_err();
        assert_eq!(field(&e), want, "{e}");
    }
    let e = cobuilding::sign(&t.db, &a, agreement(ours, "C", lines))
        .await
        .unwrap_err();
    assert!(matches!(e, OpsError::Conflict(_)), "one a year: {e}");
    let other_secretary = {
        accounts::create(
            &t.db,
            &a,
            NewUser {
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
        accounts::session_actor(&t.db, &session.token)
            .await
            .unwrap()
            .0
    };
    let e = cobuilding::sign(
        &t.db,
        &other_secretary,
        NewAgreementInput {
            year: Some(2024),
            ..agreement(ours, "C", "开放停车场|2024-06-30")
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        field(&e),
        "org",
        "a community elsewhere answers as missing: {e}"
    );
    let listed = cobuilding::list(
        &t.db,
        &a,
        ListAgreements {
            within: s("C"),
            year: Some(2025),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(listed.items.len(), 1);
    assert_eq!(listed.items[0].overdue, 2, "both due dates have passed");

    // The unit's liaison marks the first fulfilled; another unit's liaison may not.
    let me = liaison(&t.db, "liaison", ours).await;
    let stranger = liaison(&t.db, "stranger", theirs).await;
    let first = d.commitments[0].id;
    let e = cobuilding::set_done(&t.db, &stranger, first, s("2025-06-20"), false)
        .await
        .unwrap_err();
    assert!(
        matches!(e, OpsError::NotFound { .. }),
        "another unit's commitment answers as missing: {e}"
    );
    let e = cobuilding::set_done(&t.db, &me, first, s("2099-01-01"), false)
        .await
        .unwrap_err();
    assert_eq!(field(&e), "done_on");
    let e = cobuilding::set_done(&t.db, &me, first, s("2025-06-20"), false)
        .await
        .unwrap_err();
    assert_eq!(
        field(&e),
        "done_on",
        "a unit cannot backdate itself on time"
    );
    let done = cobuilding::set_done(&t.db, &a, first, s("2025-06-20"), false)
        .await
        .unwrap();
    assert_eq!(done.done_on.map(|d| d.to_string()), s("2025-06-20"));
    let mine = cobuilding::list(&t.db, &me, ListAgreements::default()).await;
    assert!(
        mine.unwrap().items.is_empty(),
        "the liaison's list is of this year"
    );
    let shown = cobuilding::show(&t.db, &me, d.agreement.id).await.unwrap();
    assert_eq!((shown.agreement.done, shown.agreement.on_time), (1, 1));
    assert!(
        cobuilding::show(&t.db, &stranger, d.agreement.id)
            .await
            .is_err()
    );

    // Taking the mark back, twice: the second is refused.
    cobuilding::set_done(&t.db, &me, first, None, true)
        .await
        .unwrap();
    let e = cobuilding::set_done(&t.db, &me, first, None, true)
        .await
        .unwrap_err();
    assert!(matches!(e, OpsError::Conflict(_)), "{e}");

    // A commitment added later, inside the year only.
    let e = cobuilding::add_commitment(
        &t.db,
        &a,
        d.agreement.id,
        CommitmentInput {
            title: s("资助困难家庭"),
            due_on: s("2026-03-01"),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "due_on");
    let more = cobuilding::add_commitment(
        &t.db,
        &a,
        d.agreement.id,
        CommitmentInput {
            title: s("资助困难家庭"),
            due_on: s("2025-09-01"),
        },
    )
    .await
    .unwrap();
    assert_eq!(more.commitments.len(), 3);
    let on_unit_page = units::show(&t.db, &a, ours).await.unwrap().agreements;
    assert_eq!(on_unit_page.len(), 1);
}

#[both]
async fn commitments_kept_on_time_raise_the_unit_orgs_score(on: Backend) {
    let t = city(on).await;
    let a = actor();
    for code in ["U1", "U2"] {
        orgs::add(
            &t.db,
            &a,
            NewOrg {
                category: s("unit"),
                ..new_org(code, "branch", Some("C"), COMMUNITY_DIV)
            },
        )
        .await
        .unwrap();
    }
    let kept = unit(&t.db, "守约单位", COMMUNITY_DIV, Some("U1")).await;
    let broke = unit(&t.db, "失约单位", COMMUNITY_DIV, Some("U2")).await;
    // Both orgs hold the same meetings, so only the commitments tell them apart.
    for org in ["U1", "U2"] {
        meetings::record(
            &t.db,
            &a,
            NewMeeting {
                org: s(org),
                kind: s("themed_day"),
                held_on: s("2025-07-01"),
                topic: s("学习"),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    for u in [kept, broke] {
        let d = cobuilding::sign(
            &t.db,
            &a,
            NewAgreementInput {
                unit_id: Some(u),
                org: s("C"),
                year: Some(2025),
                lines: s("开放停车场|2025-08-31\n认领微心愿|2025-09-30"),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        if u == kept {
            for c in &d.commitments {
                cobuilding::set_done(&t.db, &a, c.id, s("2025-08-15"), false)
                    .await
                    .unwrap();
            }
        } else {
            cobuilding::set_done(&t.db, &a, d.commitments[0].id, s("2025-10-15"), false)
                .await
                .unwrap();
        }
    }
    let r = assessment::quarter(&t.db, &a, Some("C"), "2025-Q3")
        .await
        .unwrap();
    let of = |code: &str| r.orgs.iter().find(|o| o.org.code == code).unwrap();
    assert_eq!(of("U1").commitments, Some(1.0));
    assert_eq!(of("U2").commitments, Some(0.0), "late and undone");
    assert!(of("U1").score.unwrap() > of("U2").score.unwrap());
    assert_eq!(of("B1").commitments, None, "no agreement, no part");
}

#[both]
async fn a_years_agreements_page_by_keyset_in_the_order_of_their_orgs(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let sign = |unit: i64, org: &'static str, year: i32| {
        let db = t.db.clone();
        let a = a.clone();
        async move {
            cobuilding::sign(
                &db,
                &a,
                NewAgreementInput {
                    unit_id: Some(unit),
                    org: s(org),
                    year: Some(year),
                    signed_on: Some(format!("{year}-01-15")),
                    lines: s(&format!("开放停车场|{year}-06-30")),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .agreement
        }
    };
    let mut signed = Vec::new();
    for (name, div, org) in [
        ("甲单位", COMMUNITY_DIV, "C"),
        ("乙单位", OTHER_COMMUNITY_DIV, "C2"),
        ("丙单位", COMMUNITY_DIV, "C"),
        ("丁单位", COMMUNITY_DIV, "C"),
    ] {
        let u = unit(&t.db, name, div, None).await;
        signed.push(sign(u, org, 2025).await);
    }
    let earlier = sign(signed[0].unit_id, "C", 2024).await;
    signed.sort_by(|x, y| (&x.org_path, x.id).cmp(&(&y.org_path, y.id)));
    let want: Vec<i64> = signed.iter().map(|x| x.id).collect();
    let list = |within: &'static str, after: Option<String>| ListAgreements {
        within: s(within),
        year: Some(2025),
        after,
        limit: Some(1),
    };
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = cobuilding::list(&t.db, &a, list("S", after.clone()))
            .await
            .unwrap();
        assert!(page.items.len() <= 1);
        seen.extend(page.items.iter().map(|x| x.id));
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    assert_eq!(seen, want, "each once, by org and then as signed");
    // A cursor that is not a row of this list (no number, another year, another scope) is
    // refused alike.
    let c2 = signed.iter().find(|x| x.org_code == "C2").unwrap().id;
    for bad in ["三".to_string(), earlier.id.to_string(), c2.to_string()] {
        let e = cobuilding::list(&t.db, &a, list("C", Some(bad.clone())))
            .await
            .unwrap_err();
        assert_eq!(field(&e), "after", "{bad}: {e}");
    }
}
