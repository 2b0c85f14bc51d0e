//! Quarterly org assessment and rectification, on SQLite or PostgreSQL.

use crate::common::*;
use jiceng_ops::assessment::{self, NewRectification};
use jiceng_ops::orglife::meetings::{self, NewMeeting};
use jiceng_ops::{OpsError, orgs};
use jiceng_store::Backend;
use jiceng_testkit::both;

fn field(e: &OpsError) -> &'static str {
    e.body().field.unwrap_or("")
}

#[both]
async fn the_weakest_org_is_flagged_and_rectified(on: Backend) {
    let t = city(on).await;
    let a = actor();
    // B1 keeps every duty of 2025-Q3; B2 holds only one themed day; B3 half of its duties.
    orgs::add(&t.db, &a, new_org("B3", "branch", Some("C"), COMMUNITY_DIV))
        .await
        .unwrap();
    let held = |org: &str, kind: &str, on: &str| NewMeeting {
        org: s(org),
        kind: s(kind),
        held_on: s(on),
        topic: s("学习"),
        ..Default::default()
    };
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
        meetings::record(&t.db, &a, held("B1", kind, on))
            .await
            .unwrap();
    }
    meetings::record(&t.db, &a, held("B2", "themed_day", "2025-07-01"))
        .await
        .unwrap();
    for (kind, on) in [
        ("branch_assembly", "2025-08-10"),
        ("branch_committee", "2025-07-03"),
        ("themed_day", "2025-07-01"),
        ("themed_day", "2025-08-01"),
    ] {
        meetings::record(&t.db, &a, held("B3", kind, on))
            .await
            .unwrap();
    }
    let r = assessment::quarter(&t.db, &a, Some("C"), "2025-Q3")
        .await
        .unwrap();
    let codes: Vec<&str> = r.orgs.iter().map(|o| o.org.code.as_str()).collect();
    assert_eq!(codes, ["B1", "B3", "B2"], "best first");
    assert_eq!(r.orgs[0].score, Some(100.0));
    assert_eq!(r.orgs[0].stars, Some(5));
    assert_eq!(r.weak, 1);
    assert!(r.orgs[2].weak && !r.orgs[1].weak);

    let plan = |org: &str| NewRectification {
        org: s(org),
        period: s("2025-Q3"),
        plan: s("书记约谈，补开支委会，每月报送组织生活记录"),
    };
    let e = assessment::open(&t.db, &a, plan("B1")).await.unwrap_err();
    assert_eq!(field(&e), "org", "only a weak org is rectified: {e}");
    let rec = assessment::open(&t.db, &a, plan("B2")).await.unwrap();
    assert_eq!(rec.status.code(), "open");
    assert!(matches!(
        assessment::open(&t.db, &a, plan("B2")).await,
        Err(OpsError::Conflict(_))
    ));
    let r = assessment::quarter(&t.db, &a, Some("C"), "2025-Q3")
        .await
        .unwrap();
    assert_eq!(r.orgs[2].rectification.as_ref().map(|x| x.id), Some(rec.id));
    let done = assessment::follow_up(&t.db, &a, rec.id, "已补开，整改到位", true)
        .await
        .unwrap();
    assert_eq!(done.status.code(), "closed");
    assert!(
        assessment::follow_up(&t.db, &a, rec.id, "再次", false)
            .await
            .is_err()
    );

    let e = assessment::quarter(&t.db, &a, Some("C"), "2025")
        .await
        .unwrap_err();
    assert_eq!(field(&e), "period");
    let e = assessment::quarter(&t.db, &a, Some("C"), "2099-Q1")
        .await
        .unwrap_err();
    assert_eq!(field(&e), "period");
}
