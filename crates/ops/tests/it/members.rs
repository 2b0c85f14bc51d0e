//! Use cases of member files, transfers and 双报到.

use crate::common::*;
use jiceng_ops::members::{self, ListMembers, NewMember};
use jiceng_ops::orgs::{self, NewOrg};
use jiceng_ops::units::{self, NewUnit};
use jiceng_ops::{OpsError, registrations};
use jiceng_store::Backend;
use jiceng_testkit::both;

#[both]
async fn adds_a_member_masked_and_reveals_with_audit(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let m = members::add(&t.db, &a, new_member("林小红", 12, "B1"))
        .await
        .unwrap();
    assert_eq!(m.gender, "女");
    assert_eq!(m.birth_date.to_string(), "1985-03-04");
    assert_eq!(m.status, "正式党员");
    assert!(m.id_number.contains("********") && m.phone.as_deref() == Some("139****5678"));
    let d = members::show(&t.db, &a, m.id, true).await.unwrap();
    assert_eq!(d.member.id_number, id_number("1985-03-04", 12));
    assert_eq!(
        count(
            &t.db,
            "SELECT COUNT(*) FROM audit_log WHERE operation = 'member.reveal'"
        )
        .await,
        1
    );
    assert_eq!(
        orgs::show(&t.db, &a, "D")
            .await
            .unwrap()
            .org
            .row
            .subtree_member_count,
        1
    );
}

#[both]
async fn bad_members_name_the_field_and_write_nothing(on: Backend) {
    let t = city(on).await;
    let a = actor();
    members::add(&t.db, &a, new_member("林一", 11, "B1"))
        .await
        .unwrap();
    let base = new_member("林二", 13, "B1");
    let cases: Vec<(NewMember, &str)> = vec![
        (
            NewMember {
                id_number: s("350302198503040130"),
                ..base.clone()
            },
            "id_number",
        ),
        (
            NewMember {
                id_number: s("3.50302E+17"),
                ..base.clone()
            },
            "id_number",
        ),
        (
            NewMember {
                id_number: Some(id_number("1985-03-04", 11)),
                ..base.clone()
            },
            "id_number",
        ),
        (
            NewMember {
                phone: s("1234"),
                ..base.clone()
            },
            "phone",
        ),
        (
            NewMember {
                joined_on: s("2099-01-01"),
                ..base.clone()
            },
            "joined_on",
        ),
        (
            NewMember {
                joined_on: s("2000-01-01"),
                ..base.clone()
            },
            "joined_on",
        ),
        (
            NewMember {
                full_on: s("2010-08-01"),
                ..base.clone()
            },
            "full_on",
        ),
        (
            NewMember {
                birth_date: s("1985-03-05"),
                ..base.clone()
            },
            "birth_date",
        ),
        (
            NewMember {
                gender: s("女"),
                ..base.clone()
            },
            "gender",
        ),
        (
            NewMember {
                categories: s("在职,离退休"),
                ..base.clone()
            },
            "categories",
        ),
        (
            NewMember {
                ethnicity: s("火星族"),
                ..base.clone()
            },
            "ethnicity",
        ),
        (
            NewMember {
                residence_division: s("350302001099"),
                ..base.clone()
            },
            "residence_division",
        ),
        (
            NewMember {
                residence_division: s("350302001000"),
                ..base.clone()
            },
            "residence_division",
        ),
        (
            NewMember {
                org: s("NOPE"),
                ..base.clone()
            },
            "org",
        ),
        (
            NewMember {
                name: s("  "),
                ..base.clone()
            },
            "name",
        ),
    ];
    for (m, want) in cases {
        let e = members::add(&t.db, &a, m).await.unwrap_err();
        assert_eq!(e.body().field, Some(want), "{e}");
    }
    assert_eq!(count(&t.db, "SELECT COUNT(*) FROM members").await, 1);
    assert_eq!(
        orgs::show(&t.db, &a, "B1")
            .await
            .unwrap()
            .org
            .row
            .member_count,
        1
    );
}

#[both]
async fn repairs_what_is_unambiguous(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let mut id = id_number("1985-03-04", 13);
    if id.ends_with('X') {
        id = id.replace('X', "x");
    }
    let full_width: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap()
            } else {
                c
            }
        })
        .collect();
    let m = members::add(
        &t.db,
        &a,
        NewMember {
            id_number: Some(format!(" {full_width} ")),
            gender: s("1"),
            ethnicity: s("汉"),
            ..new_member("林三", 13, "B1")
        },
    )
    .await
    .unwrap();
    assert_eq!(m.gender, "男");
    assert_eq!(m.ethnicity, "汉族");
}

#[both]
async fn editing_a_file_keeps_the_rules(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let m = members::add(&t.db, &a, new_member("林一", 11, "B1"))
        .await
        .unwrap();
    let other = members::add(&t.db, &a, new_member("林二", 13, "B1"))
        .await
        .unwrap();
    let edited = members::update(
        &t.db,
        &a,
        m.id,
        NewMember {
            name: s("林一一"),
            phone: s("13700000000"),
            ..new_member("x", 11, "B1")
        },
    )
    .await
    .unwrap();
    assert_eq!(edited.name, "林一一");
    let e = members::update(
        &t.db,
        &a,
        m.id,
        NewMember {
            org: s("B2"),
            ..new_member("林一一", 11, "B1")
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.body().field, Some("org"), "moving is a transfer");
    let e = members::update(&t.db, &a, m.id, new_member("林一一", 13, "B1"))
        .await
        .unwrap_err();
    assert!(
        matches!(e, OpsError::Conflict(ref i) if i.field == "id_number"),
        "{e}"
    );
    let e = members::update(
        &t.db,
        &a,
        m.id,
        NewMember {
            phone: s("12"),
            ..new_member("林一一", 11, "B1")
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.body().field, Some("phone"));
    let shown = members::show(&t.db, &a, m.id, true).await.unwrap().member;
    assert_eq!(
        shown.phone.as_deref(),
        Some("13700000000"),
        "failed edits wrote nothing"
    );
    assert_eq!(
        members::show(&t.db, &a, other.id, false)
            .await
            .unwrap()
            .member
            .name,
        "林二"
    );
    assert_eq!(
        count(
            &t.db,
            "SELECT COUNT(*) FROM audit_log WHERE operation = 'member.update'"
        )
        .await,
        1
    );
}

#[both]
async fn transfer_keeps_history_and_counts(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let m = members::add(&t.db, &a, new_member("林一", 11, "B1"))
        .await
        .unwrap();
    members::transfer(&t.db, &a, m.id, "B2", s("2020-01-01"), s("搬家"))
        .await
        .unwrap();
    members::transfer(&t.db, &a, m.id, "C2", s("2022-05-01"), None)
        .await
        .unwrap();
    let e = members::transfer(&t.db, &a, m.id, "C2", None, None)
        .await
        .unwrap_err();
    assert_eq!(e.body().field, Some("org"));
    let d = members::show(&t.db, &a, m.id, false).await.unwrap();
    assert_eq!(d.member.org_code, "C2");
    let hops: Vec<_> = d
        .transfers
        .iter()
        .map(|t| (t.from_org_name.as_str(), t.to_org_name.as_str()))
        .collect();
    assert_eq!(
        hops,
        vec![("测试组织B1", "测试组织B2"), ("测试组织B2", "测试组织C2")]
    );
    assert_eq!(
        orgs::show(&t.db, &a, "C")
            .await
            .unwrap()
            .org
            .row
            .subtree_member_count,
        0
    );
    assert_eq!(
        orgs::show(&t.db, &a, "C2")
            .await
            .unwrap()
            .org
            .row
            .member_count,
        1
    );
    assert_eq!(
        orgs::show(&t.db, &a, "S")
            .await
            .unwrap()
            .org
            .row
            .subtree_member_count,
        1
    );
    let e = orgs::delete(&t.db, &a, "B1").await.unwrap_err();
    assert!(
        matches!(e, OpsError::Conflict(_)),
        "history points at B1: {e}"
    );
}

#[both]
async fn paging_lists_each_member_once(on: Backend) {
    let t = city(on).await;
    let a = actor();
    for n in 0..7u32 {
        let org = if n % 2 == 0 { "B1" } else { "B2" };
        members::add(&t.db, &a, new_member(&format!("党员{n}"), 20 + n, org))
            .await
            .unwrap();
    }
    let mut after = None;
    let mut ids = Vec::new();
    loop {
        let p = members::list(
            &t.db,
            &a,
            ListMembers {
                within: s("C"),
                after: after.clone(),
                limit: Some(3),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(p.total, Some(7));
        ids.extend(p.items.iter().map(|m| m.id));
        match p.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 7);
    let only_b2 = members::list(
        &t.db,
        &a,
        ListMembers {
            within: s("B2"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(only_b2.items.len(), 3);
    let e = members::list(
        &t.db,
        &a,
        ListMembers {
            within: s("B2"),
            after: Some(ids[0].to_string()),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        e.body().field,
        Some("after"),
        "a cursor from outside the subtree is refused"
    );
}

#[both]
async fn dual_registration_is_seen_from_both_sides(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let employed = members::add(&t.db, &a, new_member("在职甲", 31, "B1"))
        .await
        .unwrap();
    let retired = members::add(
        &t.db,
        &a,
        NewMember {
            categories: s("离退休"),
            ..new_member("退休乙", 33, "B1")
        },
    )
    .await
    .unwrap();

    let e = registrations::register_member(&t.db, &a, retired.id, "C", None)
        .await
        .unwrap_err();
    assert_eq!(e.body().field, Some("categories"));
    let e = registrations::register_member(&t.db, &a, employed.id, "C2", None)
        .await
        .unwrap_err();
    assert_eq!(
        e.body().field,
        Some("community"),
        "must be the residence community"
    );
    let e = registrations::register_member(&t.db, &a, employed.id, "B1", None)
        .await
        .unwrap_err();
    assert_eq!(e.body().field, Some("community"));
    let r = registrations::register_member(&t.db, &a, employed.id, "C", s("2024-05-01"))
        .await
        .unwrap();
    let e = registrations::register_member(&t.db, &a, employed.id, "C", None)
        .await
        .unwrap_err();
    assert!(matches!(e, OpsError::Conflict(_)), "{e}");

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
    .unwrap();
    let no_org = units::add(
        &t.db,
        &a,
        NewUnit {
            name: s("小店"),
            category: s("非公企业"),
            division_code: s(COMMUNITY_DIV),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let e = registrations::register_unit(&t.db, &a, no_org.row.id, "C", None)
        .await
        .unwrap_err();
    assert_eq!(e.body().field, Some("unit"));
    let e = registrations::register_unit(&t.db, &a, unit.row.id, "C2", None)
        .await
        .unwrap_err();
    assert_eq!(e.body().field, Some("community"));
    registrations::register_unit(&t.db, &a, unit.row.id, "C", None)
        .await
        .unwrap();

    // The community side.
    let side = registrations::of_community(&t.db, &a, "C", true, None, 50)
        .await
        .unwrap();
    assert_eq!(side.items.len(), 2);
    let detail = orgs::show(&t.db, &a, "C").await.unwrap();
    assert_eq!((detail.registered_members, detail.registered_units), (1, 1));
    // The member's and the unit's side.
    assert_eq!(
        members::show(&t.db, &a, employed.id, false)
            .await
            .unwrap()
            .registrations[0]
            .community_name,
        "测试组织C"
    );
    assert_eq!(
        units::show(&t.db, &a, unit.row.id)
            .await
            .unwrap()
            .registrations
            .len(),
        1
    );

    registrations::end(&t.db, &a, r.id, s("2025-01-01"))
        .await
        .unwrap();
    assert_eq!(
        registrations::of_community(&t.db, &a, "C", true, None, 50)
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    assert_eq!(
        registrations::of_community(&t.db, &a, "C", false, None, 50)
            .await
            .unwrap()
            .items
            .len(),
        2
    );
}
