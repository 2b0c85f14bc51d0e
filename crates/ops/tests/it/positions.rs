//! 阵地 and the service circle on SQLite or PostgreSQL: registering (each bad field named,
//! nothing written), the standards that flag a small position, scope, and the coverage and
//! siting of a community's mapped buildings against a count over the records.

use crate::common::*;
use jiceng_ops::OpsError;
use jiceng_ops::positions::circle::{self, CircleQuery};
use jiceng_ops::positions::standards::{self, StandardInput};
use jiceng_ops::positions::{self, ListPositions, NewPositionInput};
use jiceng_store::Backend;
use jiceng_testkit::both;

fn at(name: &str, kind: &str, org: &str, lon: f64, area: i64) -> NewPositionInput {
    NewPositionInput {
        kind: s(kind),
        name: s(name),
        org: s(org),
        lon: Some(lon),
        lat: Some(25.405),
        area_m2: Some(area),
        hours: s("周一至周五 8:30–17:30"),
        ..Default::default()
    }
}

#[both]
async fn positions_are_registered_flagged_below_standard_and_kept_in_scope(on: Backend) {
    let t = city(on).await;
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    for (bad, field) in [
        (at("中心", "palace", "C", 119.0, 600), "kind"),
        (at(" ", "centre", "C", 119.0, 600), "name"),
        (at("中心", "centre", "C", 190.0, 600), "lon"),
        (at("中心", "centre", "C", 119.0, 0), "area_m2"),
        (at("中心", "centre", "NOWHERE", 119.0, 600), "org"),
    ] {
        let e = positions::register(&t.db, &worker, bad).await.unwrap_err();
        assert_eq!(super::common::field(&e), field, "{e}");
    }
    assert_eq!(count(&t.db, "SELECT COUNT(*) FROM positions").await, 0);
    // The city's default standard for centres is 500 m².
    let small = positions::register(&t.db, &worker, at("社区中心", "centre", "C", 119.002, 450))
        .await
        .unwrap();
    assert_eq!((small.standard_m2, small.below_standard), (Some(500), true));
    let micro = positions::register(&t.db, &worker, at("微阵地", "micro", "B1", 119.008, 40))
        .await
        .unwrap();
    assert_eq!((micro.standard_m2, micro.below_standard), (None, false));
    // A district sets its own: 400 m² for centres there; a worker may not.
    let district = account(&t.db, "district_d", "district_admin", "D", None).await;
    let set = |m2| StandardInput {
        org: s("D"),
        kind: s("centre"),
        min_area_m2: Some(m2),
    };
    let e = standards::set(&t.db, &worker, set(400)).await.unwrap_err();
    assert_eq!(
        super::common::field(&e),
        "org",
        "D is beyond the worker: {e}"
    );
    let e = standards::set(
        &t.db,
        &worker,
        StandardInput {
            org: s("C"),
            ..set(400)
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(e, OpsError::Forbidden(_)), "{e}");
    standards::set(&t.db, &district, set(400)).await.unwrap();
    let again = positions::show(&t.db, &worker, small.id).await.unwrap();
    assert_eq!(
        (again.standard_m2, again.below_standard),
        (Some(400), false)
    );
    // Another community's worker reaches none of them, nor a standard set for C alone.
    let other = account(&t.db, "worker_c2", "community_worker", "C2", None).await;
    standards::set(
        &t.db,
        &district,
        StandardInput {
            org: s("C"),
            kind: s("micro"),
            min_area_m2: Some(30),
        },
    )
    .await
    .unwrap();
    let seen = |list: Vec<standards::Standard>| -> Vec<(Option<String>, &'static str)> {
        list.into_iter()
            .map(|st| (st.org_code, st.kind.code()))
            .collect()
    };
    let c_sees = seen(standards::list(&t.db, &worker).await.unwrap());
    // Naming no org sets it for the setter's own (the district's); the audit keeps what it was.
    standards::set(
        &t.db,
        &district,
        StandardInput {
            org: None,
            kind: s("centre"),
            min_area_m2: Some(450),
        },
    )
    .await
    .unwrap();
    let before = texts(
        &t.db,
        "SELECT before_json FROM audit_log WHERE operation = 'position.standard' ORDER BY seq DESC LIMIT 1",
    )
    .await;
    assert_eq!(
        before,
        vec!["{\"kind\":\"centre\",\"min_area_m2\":400}".to_string()]
    );
    let c2_sees = seen(standards::list(&t.db, &other).await.unwrap());
    assert!(c_sees.contains(&(s("C"), "micro")) && c_sees.contains(&(s("D"), "centre")));
    assert!(!c2_sees.contains(&(s("C"), "micro")), "{c2_sees:?}");
    assert!(c2_sees.contains(&(s("D"), "centre")) && c2_sees.contains(&(None, "centre")));
    assert!(matches!(
        positions::show(&t.db, &other, small.id).await.unwrap_err(),
        OpsError::NotFound { .. }
    ));
    assert!(
        positions::list(&t.db, &other, ListPositions::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let e = positions::register(&t.db, &other, at("越界", "micro", "C", 119.0, 40))
        .await
        .unwrap_err();
    assert_eq!(
        super::common::field(&e),
        "org",
        "out of scope reads as unknown: {e}"
    );
    let listed = positions::list(
        &t.db,
        &worker,
        ListPositions {
            limit: Some(1),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let next = positions::list(
        &t.db,
        &worker,
        ListPositions {
            limit: Some(1),
            after: listed.next.clone(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut ids = vec![listed.items[0].id, next.items[0].id];
    ids.sort_unstable();
    assert_eq!(ids, vec![small.id.min(micro.id), small.id.max(micro.id)]);
}

#[both]
async fn the_circle_counts_the_mapped_buildings_and_siting_adds_what_it_says(on: Backend) {
    let t = city(on).await;
    let (b1, b2) = buildings(&t.db).await;
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    let ask = |k: Option<i64>| CircleQuery {
        within: s("C"),
        k,
        ..Default::default()
    };
    // No position yet: nothing within any walk; both buildings (20 households each) beyond.
    let none = circle::coverage(&t.db, &worker, ask(None)).await.unwrap();
    assert_eq!(
        (none.buildings, none.households, none.beyond_count),
        (2, 40, 2)
    );
    assert!(none.within.iter().all(|w| w.buildings == 0));
    // A micro position beside 1号楼 (119.002): 2号楼 (119.008) is about 600 m off, 10 minutes.
    positions::register(&t.db, &worker, at("微阵地", "micro", "B1", 119.0021, 40))
        .await
        .unwrap();
    let c = circle::coverage(&t.db, &worker, ask(None)).await.unwrap();
    let by = |m: u32| c.within.iter().find(|w| w.minutes == m).unwrap().buildings;
    assert_eq!((by(5), by(10), by(15)), (1, 2, 2), "{c:?}");
    assert_eq!(c.within[0].household_share, Some(0.5));
    // The kinds asked: no centre stands anywhere.
    let centres = circle::coverage(
        &t.db,
        &worker,
        CircleQuery {
            kinds: s("centre"),
            ..ask(None)
        },
    )
    .await
    .unwrap();
    assert_eq!(centres.beyond_count, 2);
    // Siting within 5 minutes: one new site brings 2号楼's 20 households in.
    let sited = circle::siting(
        &t.db,
        &worker,
        CircleQuery {
            minutes: Some(5),
            ..ask(Some(1))
        },
    )
    .await
    .unwrap();
    assert_eq!((sited.today, sited.reached), (20, 40), "{sited:?}");
    assert_eq!(sited.sites.len(), 1);
    assert!(sited.bound >= sited.reached && sited.bound <= 40);
    for (bad, field) in [
        (
            CircleQuery {
                detour: Some(0.5),
                ..ask(None)
            },
            "detour",
        ),
        (
            CircleQuery {
                speed: Some(500.0),
                ..ask(None)
            },
            "speed",
        ),
        (
            CircleQuery {
                minutes: Some(7),
                ..ask(Some(1))
            },
            "minutes",
        ),
        (
            CircleQuery {
                k: Some(0),
                ..ask(Some(0))
            },
            "k",
        ),
    ] {
        let e = if bad.k.is_some() {
            circle::siting(&t.db, &worker, bad).await.unwrap_err()
        } else {
            circle::coverage(&t.db, &worker, bad).await.unwrap_err()
        };
        assert_eq!(super::common::field(&e), field, "{e}");
    }
    let other = account(&t.db, "worker_c2", "community_worker", "C2", None).await;
    let e = circle::coverage(&t.db, &other, ask(None))
        .await
        .unwrap_err();
    assert_eq!(super::common::field(&e), "within", "{e}");
    let _ = (b1, b2);
}

#[both]
async fn a_meeting_is_held_at_a_registered_position_within_reach(on: Backend) {
    use jiceng_ops::orglife::meetings::{self, NewMeeting};
    let t = city(on).await;
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    let other = account(&t.db, "worker_c2", "community_worker", "C2", None).await;
    let home = positions::register(
        &t.db,
        &worker,
        at("支部家院", "branch_home", "B1", 119.0, 80),
    )
    .await
    .unwrap();
    let elsewhere = positions::register(&t.db, &other, at("他处阵地", "micro", "C2", 119.1, 60))
        .await
        .unwrap();
    let held = |position| NewMeeting {
        org: s("B1"),
        kind: s("themed_day"),
        status: s("held"),
        held_on: s("2025-04-01"),
        topic: s("学习"),
        place: s("二楼"),
        position_id: Some(position),
        ..Default::default()
    };
    let before = count(&t.db, "SELECT COUNT(*) FROM meetings").await;
    let e = meetings::record(&t.db, &worker, held(elsewhere.id))
        .await
        .unwrap_err();
    assert_eq!(super::common::field(&e), "position_id", "beyond reach: {e}");
    assert_eq!(count(&t.db, "SELECT COUNT(*) FROM meetings").await, before);
    let m = meetings::record(&t.db, &worker, held(home.id))
        .await
        .unwrap();
    assert_eq!(m.row.position_name.as_deref(), Some("支部家院"));
    assert_eq!(m.row.where_held(), "支部家院 · 二楼");
}
