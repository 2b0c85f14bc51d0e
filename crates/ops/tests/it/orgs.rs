//! Use cases of the org tree, on SQLite or PostgreSQL (see jiceng_store::testing).

use crate::common::*;
use jiceng_ops::orgs::{self, ListOrgs, NewOrg, NewSeat};
use jiceng_ops::{OpsError, members};
use jiceng_store::Backend;
use jiceng_testkit::both;

fn field(e: &OpsError) -> &'static str {
    e.body().field.unwrap_or("")
}

#[both]
async fn adds_orgs_with_terms_and_paths(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let o = orgs::add(
        &t.db,
        &a,
        NewOrg {
            elected_on: s("2024-03-01"),
            ..new_org("B3", "branch", Some("C"), COMMUNITY_DIV)
        },
    )
    .await
    .unwrap();
    assert_eq!(o.row.term_years, Some(3));
    assert_eq!(o.row.term_due.unwrap().to_string(), "2027-03-01");
    let c = orgs::add(
        &t.db,
        &a,
        NewOrg {
            elected_on: s("2020-03-01"),
            ..new_org("C3", "大党委", Some("S"), "350302001003")
        },
    )
    .await
    .unwrap();
    assert_eq!(c.row.term_due.unwrap().to_string(), "2025-03-01");
    assert!(c.term_overdue);
    let detail = orgs::show(&t.db, &a, "C").await.unwrap();
    assert_eq!(
        detail
            .ancestors
            .iter()
            .map(|o| o.row.code.as_str())
            .collect::<Vec<_>>(),
        vec!["D", "S"]
    );
    assert_eq!(detail.children.len(), 3);
    let due = orgs::list(
        &t.db,
        &a,
        ListOrgs {
            within: s("D"),
            term_due_before: s("2026-01-01"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        due.items
            .iter()
            .map(|o| o.row.code.as_str())
            .collect::<Vec<_>>(),
        vec!["C3"]
    );
    let found = orgs::list(
        &t.db,
        &a,
        ListOrgs {
            text: s("测试组织B"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(found.items.len(), 3);
}

#[both]
async fn temporary_branch_needs_project_and_end(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let base = NewOrg {
        category: s("temporary"),
        founded_on: s("2026-01-01"),
        ..new_org("T1", "branch", Some("S"), "350302001")
    };
    let e = orgs::add(&t.db, &a, base.clone()).await.unwrap_err();
    assert_eq!(field(&e), "project");
    let ok = orgs::add(
        &t.db,
        &a,
        NewOrg {
            project: s("木兰溪防洪工程"),
            ends_on: s("2027-12-31"),
            ..base
        },
    )
    .await
    .unwrap();
    assert_eq!(ok.row.term_years, None);
    assert_eq!(ok.row.ends_on.unwrap().to_string(), "2027-12-31");
}

#[both]
async fn bad_orgs_name_the_field_and_write_nothing(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let before = count(&t.db, "SELECT COUNT(*) FROM orgs").await;
    let cases = [
        (
            new_org("X1", "community", Some("S"), "35030200100A"),
            "division_code",
        ),
        (
            new_org("X2", "community", Some("S"), "350302001099"),
            "division_code",
        ),
        (
            new_org("X3", "community", Some("S"), "350303001001"),
            "division_code",
        ),
        (new_org("X4", "street", None, "350302001"), "parent"),
        (new_org("X5", "street", Some("C"), "350302001001"), "parent"),
        (new_org("C", "branch", Some("C"), COMMUNITY_DIV), "code"),
        (
            new_org("含中文", "branch", Some("C"), COMMUNITY_DIV),
            "code",
        ),
        (
            new_org("X6", "branch", Some("NOPE"), COMMUNITY_DIV),
            "parent",
        ),
        (new_org("X7", "party", Some("C"), COMMUNITY_DIV), "level"),
        (
            NewOrg {
                elected_on: s("2030-01-01"),
                ..new_org("X8", "branch", Some("C"), COMMUNITY_DIV)
            },
            "elected_on",
        ),
        (
            NewOrg {
                elected_on: s("2020-01-01"),
                ..new_org("X9", "group", Some("B1"), COMMUNITY_DIV)
            },
            "elected_on",
        ),
    ];
    for (o, want) in cases {
        let code = o.code.clone();
        let e = orgs::add(&t.db, &a, o).await.unwrap_err();
        assert_eq!(field(&e), want, "{code:?}: {e}");
        assert!(!e.to_string().is_empty());
    }
    assert_eq!(count(&t.db, "SELECT COUNT(*) FROM orgs").await, before);
}

#[both]
async fn moving_carries_the_subtree_and_refuses_cycles(on: Backend) {
    let t = city(on).await;
    let a = actor();
    orgs::add(&t.db, &a, new_org("G1", "group", Some("B1"), COMMUNITY_DIV))
        .await
        .unwrap();
    let m = members::add(&t.db, &a, new_member("林一", 11, "G1"))
        .await
        .unwrap();
    let b1_path = orgs::show(&t.db, &a, "B1").await.unwrap().org.row.path;

    let e = orgs::move_to(&t.db, &a, "C", "B1").await.unwrap_err();
    assert_eq!(field(&e), "parent");
    let e = orgs::move_to(&t.db, &a, "B1", "B1").await.unwrap_err();
    assert_eq!(field(&e), "parent");
    assert_eq!(
        orgs::show(&t.db, &a, "B1").await.unwrap().org.row.path,
        b1_path,
        "nothing moved"
    );

    let e = orgs::move_to(&t.db, &a, "B1", "C2").await.unwrap_err();
    assert_eq!(field(&e), "division_code", "C2 lies in another community");

    orgs::move_to(&t.db, &a, "G1", "B2").await.unwrap();
    let b2 = orgs::show(&t.db, &a, "B2").await.unwrap();
    assert_eq!(b2.org.row.subtree_member_count, 1);
    assert_eq!(
        orgs::show(&t.db, &a, "B1")
            .await
            .unwrap()
            .org
            .row
            .subtree_member_count,
        0
    );
    assert_eq!(
        orgs::show(&t.db, &a, "C")
            .await
            .unwrap()
            .org
            .row
            .subtree_member_count,
        1
    );
    let g1 = orgs::show(&t.db, &a, "G1").await.unwrap();
    assert!(g1.org.row.path.starts_with(&b2.org.row.path));
    let listed = members::list(
        &t.db,
        &a,
        members::ListMembers {
            within: s("B2"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        listed.items.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![m.id]
    );
    assert_eq!(listed.total, Some(1));
    assert!(
        members::list(
            &t.db,
            &a,
            members::ListMembers {
                within: s("B1"),
                ..Default::default()
            }
        )
        .await
        .unwrap()
        .items
        .is_empty()
    );
    let audit = count(
        &t.db,
        "SELECT COUNT(*) FROM audit_log WHERE operation = 'org.move'",
    )
    .await;
    assert_eq!(audit, 1);
}

#[both]
async fn deleting_refuses_orgs_with_children_or_members(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let e = orgs::delete(&t.db, &a, "C").await.unwrap_err();
    assert!(matches!(e, OpsError::Conflict(_)), "{e}");
    members::add(&t.db, &a, new_member("林二", 13, "B2"))
        .await
        .unwrap();
    let e = orgs::delete(&t.db, &a, "B2").await.unwrap_err();
    assert!(e.to_string().contains("名党员"), "{e}");
    orgs::delete(&t.db, &a, "B1").await.unwrap();
    assert!(matches!(
        orgs::show(&t.db, &a, "B1").await.unwrap_err(),
        OpsError::NotFound { .. }
    ));
}

#[both]
async fn committee_with_one_secretary_and_part_time_members(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let unit = jiceng_ops::units::add(
        &t.db,
        &a,
        jiceng_ops::units::NewUnit {
            name: s("莆田市供电公司"),
            category: s("国企"),
            division_code: s(COMMUNITY_DIV),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let seat = |p: &str, n: &str| NewSeat {
        position: s(p),
        name: s(n),
        ..Default::default()
    };
    orgs::add_seat(&t.db, &a, "C", seat("书记", "陈书记"))
        .await
        .unwrap();
    let e = orgs::add_seat(&t.db, &a, "C", seat("secretary", "又一位"))
        .await
        .unwrap_err();
    assert!(matches!(e, OpsError::Conflict(_)), "{e}");
    let seats = orgs::add_seat(
        &t.db,
        &a,
        "C",
        NewSeat {
            unit_id: Some(unit.row.id),
            ..seat("委员", "黄兼职")
        },
    )
    .await
    .unwrap();
    assert_eq!(seats.len(), 2);
    assert_eq!(seats[0].name, "陈书记");
    assert!(seats[1].part_time);
    assert_eq!(seats[1].unit_name.as_deref(), Some("莆田市供电公司"));
}

/// A community moved to another street takes its cases and meetings along: the lists of the
/// new street hold them (they filter on the street kept on each row), the old street's not.
#[both]
async fn a_moved_community_takes_its_cases_and_meetings_to_the_new_street(on: Backend) {
    use jiceng_ops::cases::intake::NewCase;
    use jiceng_ops::cases::views::{self, ListCases};
    use jiceng_ops::orglife::meetings::{self, ListMeetings, NewMeeting};
    let t = city(on).await;
    let a = actor();
    orgs::add(&t.db, &a, new_org("S2", "street", Some("D"), "350302001"))
        .await
        .unwrap();
    let m = meetings::record(
        &t.db,
        &a,
        NewMeeting {
            org: s("B1"),
            kind: s("themed_day"),
            held_on: s("2025-08-01"),
            topic: s("学习"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let c = jiceng_ops::cases::intake::take_in(
        &t.db,
        &a,
        NewCase {
            channel: s("hotline"),
            category: s("garbage"),
            title: s("楼道堆物"),
            community: s("C"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let meetings_in = async |street: &str| {
        meetings::list(
            &t.db,
            &a,
            ListMeetings {
                within: s(street),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items
        .iter()
        .map(|x| x.row.id)
        .collect::<Vec<_>>()
    };
    let cases_in = async |street: &str| {
        views::list(
            &t.db,
            &a,
            ListCases {
                within: s(street),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items
        .iter()
        .map(|x| x.row.id)
        .collect::<Vec<_>>()
    };
    assert_eq!(meetings_in("S").await, [m.row.id]);
    assert_eq!(cases_in("S").await, [c.id]);
    orgs::move_to(&t.db, &a, "C", "S2").await.unwrap();
    assert_eq!(meetings_in("S2").await, [m.row.id]);
    assert_eq!(cases_in("S2").await, [c.id]);
    assert!(meetings_in("S").await.is_empty());
    assert!(cases_in("S").await.is_empty());
}
