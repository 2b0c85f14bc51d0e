//! Meetings and compliance, on SQLite or PostgreSQL (see jiceng_store::testing).

use crate::common::*;
use jiceng_ops::orglife::compliance;
use jiceng_ops::orglife::files;
use jiceng_ops::orglife::meetings::{self, ListMeetings, NewMeeting};
use jiceng_ops::{OpsError, members, registrations};
use jiceng_store::Backend;
use jiceng_testkit::both;

fn meeting(org: &str, kind: &str, on: &str) -> NewMeeting {
    NewMeeting {
        org: s(org),
        kind: s(kind),
        held_on: s(on),
        topic: s("学习党的二十届四中全会精神"),
        place: s("社区党群服务中心"),
        host: s("王书记"),
        ..Default::default()
    }
}

fn field(e: &OpsError) -> &'static str {
    e.body().field.unwrap_or("")
}

/// Every duty of a branch for one quarter of 2025.
async fn full_quarter(t: &jiceng_store::testing::TestDb, org: &str) {
    let a = actor();
    for (kind, on) in [
        ("branch_assembly", "2025-08-10"),
        ("party_lecture", "2025-09-12"),
        ("branch_committee", "2025-07-03"),
        ("branch_committee", "2025-08-03"),
        ("branch_committee", "2025-09-03"),
        ("themed_day", "2025-07-01"),
        ("themed_day", "2025-08-01"),
        ("themed_day", "2025-09-01"),
    ] {
        meetings::record(&t.db, &a, meeting(org, kind, on))
            .await
            .unwrap();
    }
}

#[both]
async fn a_branch_turns_compliant_when_its_last_duty_is_recorded(on: Backend) {
    let t = city(on).await;
    let a = actor();
    full_quarter(&t, "B1").await;
    let r = compliance::report(&t.db, &a, Some("C"), "2025-Q3")
        .await
        .unwrap();
    let b1 = r.orgs.iter().find(|o| o.org.code == "B1").unwrap();
    let b2 = r.orgs.iter().find(|o| o.org.code == "B2").unwrap();
    assert!(b1.complies, "{:?}", b1.missed);
    assert_eq!(b1.held, 8);
    assert!(!b2.complies);
    assert_eq!(b2.missed.len(), 8, "B2 held nothing");
    assert_eq!(r.complying, 1);
    assert_eq!(r.rate, Some(0.5));
    // The street and community are not branches: they owe nothing and are not listed.
    assert_eq!(r.orgs.len(), 2);

    // A quarter with one committee meeting short, then recorded late.
    let r = compliance::report(&t.db, &a, Some("B2"), "2025-Q3")
        .await
        .unwrap();
    assert!(!r.orgs[0].complies);
    full_quarter(&t, "B2").await;
    let r = compliance::report(&t.db, &a, Some("B2"), "2025-Q3")
        .await
        .unwrap();
    assert!(r.orgs[0].complies);
}

#[both]
async fn attendance_is_kept_as_absences_and_visitors(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let m1 = members::add(&t.db, &a, new_member("林一", 11, "B1"))
        .await
        .unwrap()
        .id;
    let m2 = members::add(&t.db, &a, new_member("林二", 13, "B1"))
        .await
        .unwrap()
        .id;
    let m3 = members::add(&t.db, &a, new_member("林三", 15, "B1"))
        .await
        .unwrap()
        .id;
    let elsewhere = members::add(&t.db, &a, new_member("陈外", 17, "B2"))
        .await
        .unwrap()
        .id;
    // An in-service member of another branch, registered with community C, may visit.
    registrations::register_member(&t.db, &a, elsewhere, "C", s("2025-01-01"))
        .await
        .unwrap();

    let mut m = meeting("B1", "branch_assembly", "2025-08-10");
    m.absent = vec![format!("{m1}:出差"), format!("{m2}")];
    m.visitors = vec![elsewhere.to_string()];
    let v = meetings::record(&t.db, &a, m).await.unwrap();
    assert_eq!((v.row.expected, v.row.absent, v.row.visitors), (3, 2, 1));
    assert_eq!(v.present, 2, "one of three members plus one visitor");
    let d = meetings::show(&t.db, &a, v.row.id).await.unwrap();
    assert_eq!(d.absences.len(), 2);
    assert_eq!(
        d.absences
            .iter()
            .find(|x| x.member_id == m1)
            .unwrap()
            .reason
            .as_deref(),
        Some("出差")
    );
    assert_eq!(d.visitors[0].0, elsewhere);

    let r = compliance::report(&t.db, &a, Some("B1"), "2025-Q3")
        .await
        .unwrap();
    assert_eq!(r.attendance_rate, Some(1.0 / 3.0));

    // Bad input: nothing is written.
    let before = count(&t.db, "SELECT COUNT(*) FROM meetings").await;
    let mut bad = meeting("B1", "branch_committee", "2025-08-03");
    bad.absent = vec![elsewhere.to_string()];
    let e = meetings::record(&t.db, &a, bad).await.unwrap_err();
    assert_eq!(field(&e), "absent", "{e}");
    let mut bad = meeting("B1", "branch_committee", "2025-08-03");
    bad.visitors = vec![m3.to_string()];
    let e = meetings::record(&t.db, &a, bad).await.unwrap_err();
    assert_eq!(
        field(&e),
        "visitors",
        "a member of the branch is not a visitor: {e}"
    );
    let mut bad = meeting("B1", "branch_committee", "2099-01-01");
    bad.status = s("held");
    let e = meetings::record(&t.db, &a, bad).await.unwrap_err();
    assert_eq!(field(&e), "held_on");
    let e = meetings::record(&t.db, &a, meeting("B1", "tea_party", "2025-08-03"))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "kind");
    let e = meetings::record(&t.db, &a, meeting("NOPE", "themed_day", "2025-08-03"))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "org");
    assert_eq!(count(&t.db, "SELECT COUNT(*) FROM meetings").await, before);
    assert_eq!(
        count(&t.db, "SELECT COUNT(*) FROM meeting_absences").await,
        2
    );
}

#[both]
async fn planned_then_held_and_joint_days_count_for_each(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let planned = meetings::record(&t.db, &a, meeting("B1", "themed_day", "2099-07-01"))
        .await
        .unwrap();
    assert_eq!(planned.row.status.code(), "planned");
    let mut held = meeting("B1", "themed_day", "2025-07-01");
    held.status = s("held");
    let v = meetings::update(&t.db, &a, planned.row.id, held)
        .await
        .unwrap();
    assert_eq!(
        (v.row.status.code(), v.row.held_on.to_string().as_str()),
        ("held", "2025-07-01")
    );

    let mut joint = meeting("C", "themed_day", "2025-08-01");
    joint.joint_orgs = vec!["B1".into(), "B2".into()];
    let first = meetings::record(&t.db, &a, joint).await.unwrap();
    let d = meetings::show(&t.db, &a, first.row.id).await.unwrap();
    assert_eq!(d.joint.len(), 2, "one meeting per org, linked");
    let page = meetings::list(
        &t.db,
        &a,
        ListMeetings {
            within: s("C"),
            kind: s("themed_day"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(page.items.len(), 4);
    let r = compliance::report(&t.db, &a, Some("C"), "2025-08")
        .await
        .unwrap();
    assert!(
        r.orgs
            .iter()
            .all(|o| o.missed.iter().all(|m| m.kind != "themed_day")),
        "the joint day counts for B1 and B2"
    );
}

#[both]
async fn rules_are_data_and_scope_is_checked(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let rules = compliance::set_rule(&t.db, &a, "party_lecture", "branch", Some("yearly"))
        .await
        .unwrap();
    assert!(
        rules
            .all()
            .iter()
            .any(|r| r.kind.code() == "party_lecture" && r.frequency.code() == "yearly")
    );
    full_quarter(&t, "B1").await;
    let r = compliance::report(&t.db, &a, Some("B1"), "2025-Q3")
        .await
        .unwrap();
    assert_eq!(
        r.orgs[0].met, 7,
        "the lecture is no longer owed each quarter"
    );
    let e = compliance::report(&t.db, &a, Some("B1"), "2025-Q9")
        .await
        .unwrap_err();
    assert_eq!(field(&e), "period");
    let e = compliance::set_rule(&t.db, &a, "party_lecture", "branch", Some("weekly"))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "frequency");
}

#[test]
fn types_are_checked_by_name_and_content() {
    assert!(files::kind_of("签到表.pdf", b"%PDF-1.7").is_ok());
    assert!(files::kind_of("photo.JPG", &[0xFF, 0xD8, 0xFF, 0xE0]).is_ok());
    assert!(files::kind_of("run.exe", b"MZ").is_err());
    assert!(files::kind_of("fake.pdf", b"MZ\x90\x00").is_err());
    assert!(files::kind_of("noext", b"%PDF").is_err());
}

/// The kept months against a recount over the meetings themselves.
async fn months_agree(t: &jiceng_store::testing::TestDb, after: &str) {
    let kept = rows6(
        &t.db,
        "SELECT org_id, month, kinds, held, expected, absent FROM meeting_months ORDER BY org_id, month",
    )
    .await;
    let kinds = jiceng_domain::orglife::MeetingKind::ALL;
    let mut recount: std::collections::BTreeMap<(i64, i64), (i64, i64, i64, i64)> =
        Default::default();
    for (i, k) in kinds.iter().enumerate() {
        let held = rows6(
            &t.db,
            &format!(
                "SELECT org_id, month, CAST({i} AS BIGINT), CAST(1 AS BIGINT), expected, absent FROM meetings \
                 WHERE status = 'held' AND kind = '{}'",
                k.code()
            ),
        )
        .await;
        for (org, month, _, _, expected, absent) in held {
            let e = recount.entry((org, month)).or_default();
            e.0 |= k.bit();
            e.1 += 1;
            e.2 += expected;
            e.3 += absent;
        }
    }
    let recount: Vec<_> = recount
        .into_iter()
        .map(|((o, m), (k, h, e, a))| (o, m, k, h, e, a))
        .collect();
    assert_eq!(kept, recount, "after {after}");
}

#[both]
async fn kept_months_equal_a_recount_after_every_meeting_write(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let absent = members::add(&t.db, &a, new_member("缺席", 11, "B1"))
        .await
        .unwrap()
        .id;
    members::add(&t.db, &a, new_member("到会", 13, "B1"))
        .await
        .unwrap();
    full_quarter(&t, "B1").await;
    months_agree(&t, "a quarter recorded").await;
    let mut second = meeting("B1", "themed_day", "2025-08-20");
    second.absent = vec![absent.to_string()];
    let m = meetings::record(&t.db, &a, second).await.unwrap();
    months_agree(&t, "a second meeting of a kind in a month").await;
    let mut moved = meeting("B1", "party_lecture", "2025-10-05");
    moved.absent = vec![];
    meetings::update(&t.db, &a, m.row.id, moved).await.unwrap();
    months_agree(&t, "a meeting moved to another month and kind").await;
    let mut planned = meeting("B2", "branch_assembly", "2025-09-30");
    planned.status = s("planned");
    let p = meetings::record(&t.db, &a, planned).await.unwrap();
    months_agree(&t, "a planned meeting").await;
    meetings::update(
        &t.db,
        &a,
        p.row.id,
        meeting("B2", "branch_assembly", "2025-09-29"),
    )
    .await
    .unwrap();
    months_agree(&t, "a planned meeting held").await;
    let mut joint = meeting("B1", "party_lecture", "2025-11-11");
    joint.joint_orgs = vec!["B2".into()];
    meetings::record(&t.db, &a, joint).await.unwrap();
    months_agree(&t, "a joint meeting").await;
    let q3 = compliance::report(&t.db, &a, Some("C"), "2025-Q3")
        .await
        .unwrap();
    let b1 = q3.orgs.iter().find(|o| o.org.code == "B1").unwrap();
    assert_eq!((b1.held, b1.complies), (8, true), "{:?}", b1.missed);
}
