//! The findings of the trust review, each as the attack that reproduced it: every one fails
//! when its fix is reverted.

use crate::common::*;
use jiceng_domain::datum::Datum;
use jiceng_ops::accounts::{self, NewUser};
use jiceng_ops::cases::intake::{self, NewCase};
use jiceng_ops::cases::moves::{self, Move};
use jiceng_ops::cases::{departments, views};
use jiceng_ops::units::{self, NewUnit};
use jiceng_ops::{Actor, Db, OpsError, members};
use jiceng_store::Backend;
use jiceng_testkit::both;

const PW: &str = "Correct-horse-42";

async fn account(
    db: &Db,
    by: &Actor,
    name: &str,
    role: &str,
    scope: Option<&str>,
) -> Result<Actor, OpsError> {
    accounts::create(
        db,
        by,
        NewUser {
            username: s(name),
            password: s(PW),
            role: s(role),
            scope: scope.map(str::to_string),
            department: (role == "department_handler").then(|| "cgj".to_string()),
            ..Default::default()
        },
    )
    .await?;
    let session = accounts::login(db, name, PW, "test").await.unwrap();
    Ok(accounts::session_actor(db, &session.token).await.unwrap().0)
}

fn field(e: &OpsError) -> (&'static str, String) {
    let b = e.body();
    (b.field.unwrap_or(""), b.message)
}

/// A private enterprise named `name` at the division `division`; returns its id.
async fn unit(db: &Db, name: &str, division: &str) -> i64 {
    units::add(
        db,
        &actor(),
        NewUnit {
            name: s(name),
            category: s("private_enterprise"),
            division_code: s(division),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .row
    .id
}

/// A garbage case in `community`, as the hotline takes it in.
fn garbage(title: &str, community: &str) -> NewCase {
    NewCase {
        channel: s("hotline"),
        category: s("garbage"),
        title: s(title),
        community: s(community),
        ..Default::default()
    }
}

/// Takes `new` in and dispatches it to 城管局 (which must exist); returns its id.
async fn dispatched(db: &Db, by: &Actor, new: NewCase) -> i64 {
    let c = intake::take_in(db, by, new).await.unwrap();
    moves::apply(
        db,
        by,
        c.id,
        Move {
            action: s("dispatch"),
            departments: vec!["cgj".into()],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    c.id
}

/// Finding 1: an account is bound only to a member, unit or scope the creator may write; one
/// out of scope is refused exactly as one that does not exist, and nothing is written.
#[both]
async fn accounts_bind_only_what_their_creator_may_write(on: Backend) {
    let t = city(on).await;
    let op = actor();
    let secretary = account(&t.db, &op, "sec", "community_secretary", Some("C"))
        .await
        .unwrap();
    let elsewhere = members::add(&t.db, &op, new_member("邻社区党员", 21, "C2"))
        .await
        .unwrap()
        .id;
    let other_unit = unit(&t.db, "邻社区公司", OTHER_COMMUNITY_DIV).await;
    let users_before = count(&t.db, "SELECT COUNT(*) FROM users").await;
    let try_bind = |member_id: Option<i64>, unit_id: Option<i64>, scope: &str, role: &str| {
        accounts::create(
            &t.db,
            &secretary,
            NewUser {
                username: s("minted"),
                password: s(PW),
                role: s(role),
                scope: s(scope),
                member_id,
                unit_id,
                ..Default::default()
            },
        )
    };
    let out_of_scope = try_bind(Some(elsewhere), None, "C", "community_worker")
        .await
        .unwrap_err();
    let missing = try_bind(Some(elsewhere + 1000), None, "C", "community_worker")
        .await
        .unwrap_err();
    assert_eq!(field(&out_of_scope).0, "member");
    assert_eq!(
        field(&out_of_scope).1.replace(&elsewhere.to_string(), "N"),
        field(&missing)
            .1
            .replace(&(elsewhere + 1000).to_string(), "N"),
        "out of scope reads as missing"
    );
    let e = try_bind(None, Some(other_unit), "C", "community_worker")
        .await
        .unwrap_err();
    assert_eq!(field(&e).0, "unit");
    assert!(!field(&e).1.contains("邻社区公司"), "{}", field(&e).1);
    let e = try_bind(None, None, "C2", "community_worker")
        .await
        .unwrap_err();
    let nowhere = try_bind(None, None, "NOWHERE", "community_worker")
        .await
        .unwrap_err();
    assert_eq!(
        field(&e).1.replace("C2", "X"),
        field(&nowhere).1.replace("NOWHERE", "X")
    );
    assert_eq!(
        count(&t.db, "SELECT COUNT(*) FROM users").await,
        users_before
    );
}

/// Finding 1, second half: a department handler minted by a community reaches its
/// department's cases in that community only; a case of the same department next door is
/// not found, is not in the inbox, and cannot be moved.
#[both]
async fn a_department_handler_works_within_its_accounts_scope(on: Backend) {
    let t = city(on).await;
    let op = actor();
    departments::add(&t.db, &op, "cgj", "城市管理局")
        .await
        .unwrap();
    let secretary = account(&t.db, &op, "sec", "community_secretary", Some("C"))
        .await
        .unwrap();
    let handler = account(
        &t.db,
        &secretary,
        "handler1",
        "department_handler",
        Some("C"),
    )
    .await
    .unwrap();
    let mut cases = Vec::new();
    for (community, key) in [("C", "k-here"), ("C2", "k-next-door")] {
        let new = NewCase {
            reporter_phone: s("13912345678"),
            idempotency_key: s(key),
            ..garbage("楼道堆放垃圾", community)
        };
        cases.push(dispatched(&t.db, &op, new).await);
    }
    let (here, next_door) = (cases[0], cases[1]);
    assert!(views::show(&t.db, &handler, here, false).await.is_ok());
    let e = views::show(&t.db, &handler, next_door, false)
        .await
        .unwrap_err();
    assert!(
        matches!(e, OpsError::NotFound { .. } | OpsError::Forbidden(_)),
        "{e}"
    );
    let inbox = views::inbox(
        &t.db,
        &handler,
        views::InboxQuery {
            tab: Some("all".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let ids: Vec<i64> = inbox.items.iter().map(|c| c.row.id).collect();
    assert_eq!(ids, [here]);
    let e = moves::apply(
        &t.db,
        &handler,
        next_door,
        Move {
            action: s("accept"),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(e, OpsError::NotFound { .. } | OpsError::Forbidden(_)),
        "{e}"
    );
}

/// Finding 8: a member claims only a wish they can reach (their community's, by residence or
/// 双报到); one elsewhere answers as not found, and the answer to a claim names no resident.
#[both]
async fn a_member_claims_only_the_wishes_of_their_communities(on: Backend) {
    use jiceng_ops::wishes::{self, NewWishInput, WishMoveInput};
    let t = city(on).await;
    let op = actor();
    let me = members::add(&t.db, &op, new_member("认领人", 31, "B1"))
        .await
        .unwrap()
        .id;
    accounts::create(
        &t.db,
        &op,
        NewUser {
            username: s("claimer"),
            password: s(PW),
            role: s("member"),
            member_id: Some(me),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let session = accounts::login(&t.db, "claimer", PW, "test").await.unwrap();
    let member = accounts::session_actor(&t.db, &session.token)
        .await
        .unwrap()
        .0;
    let post = |community: &str| {
        wishes::post(
            &t.db,
            &op,
            NewWishInput {
                community: s(community),
                title: s("想要一台收音机"),
                resident: s("张阿姨"),
                ..Default::default()
            },
        )
    };
    let here = post("C").await.unwrap().id;
    let elsewhere = post("C2").await.unwrap().id;
    let claim = |id: i64| {
        wishes::apply(
            &t.db,
            &member,
            id,
            WishMoveInput {
                action: s("claim"),
                ..Default::default()
            },
        )
    };
    let e = claim(elsewhere).await.unwrap_err();
    assert!(matches!(e, OpsError::NotFound { .. }), "{e}");
    assert!(!e.to_string().contains("张阿姨"), "{e}");
    let claimed = claim(here).await.unwrap();
    assert_eq!(claimed.member_id, Some(me));
    assert_eq!(
        claimed.resident, None,
        "the resident is the community's to know"
    );
    assert_eq!(
        count(
            &t.db,
            &format!(
                "SELECT COUNT(*) FROM wishes WHERE id = {elsewhere} AND member_id IS NOT NULL"
            )
        )
        .await,
        0
    );
}

/// Finding 5: an ID number registered out of the actor's scope is refused without naming the
/// member or their number, by a form and by an import's dry run alike, and the dry run is
/// audited; within scope the clash still names the member.
#[both]
async fn a_registered_id_number_names_no_one_out_of_scope(on: Backend) {
    use jiceng_ops::imports::{self, Record, Row};
    let t = city(on).await;
    let op = actor();
    let secretary = account(&t.db, &op, "sec", "community_secretary", Some("C"))
        .await
        .unwrap();
    let other = members::add(&t.db, &op, new_member("徐辉睿", 41, "C2"))
        .await
        .unwrap();
    let same_number = new_member("冒名者", 41, "B1");
    let e = members::add(&t.db, &secretary, same_number.clone())
        .await
        .unwrap_err();
    let said = e.to_string();
    assert!(matches!(e, OpsError::Conflict(_)), "{said}");
    assert!(
        !said.contains("徐辉睿") && !said.contains(&format!("编号 {}", other.id)),
        "{said}"
    );
    let audited = |db: Db| async move {
        count(
            &db,
            "SELECT COUNT(*) FROM audit_log WHERE operation = 'import.dry_run'",
        )
        .await
    };
    let report = imports::rows(
        &t.db,
        &secretary,
        vec![Row {
            line: 2,
            record: Record::Member(same_number.clone()),
        }],
        Vec::new(),
        true,
    )
    .await
    .unwrap();
    let text = format!("{:?}", report.errors);
    assert_eq!(report.errors.len(), 1);
    assert!(!text.contains("徐辉睿"), "{text}");
    assert_eq!(audited(t.db.clone()).await, 1, "the dry run is audited");
    // Within scope the clash names the member, to whom the actor may turn.
    let e = members::add(&t.db, &op, same_number).await.unwrap_err();
    assert!(e.to_string().contains("徐辉睿"), "{e}");
}

/// Finding 14: validation that reads a named record runs after the access check, so a seat
/// or a 双报到 naming a member out of reach tells nothing of them (name, residence,
/// categories), and an org out of scope answers as not found.
#[both]
async fn refusals_name_nothing_of_records_out_of_reach(on: Backend) {
    use jiceng_ops::orgs::{self, NewSeat};
    use jiceng_ops::registrations;
    let t = city(on).await;
    let op = actor();
    let secretary = account(&t.db, &op, "sec", "community_secretary", Some("C"))
        .await
        .unwrap();
    let far = members::add(
        &t.db,
        &op,
        jiceng_ops::members::NewMember {
            residence_division: s(OTHER_COMMUNITY_DIV),
            categories: s("离退休"),
            ..new_member("远方党员", 51, "C2")
        },
    )
    .await
    .unwrap()
    .id;
    let e = orgs::add_seat(
        &t.db,
        &secretary,
        "C",
        NewSeat {
            position: s("secretary"),
            member_id: Some(far),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(!e.to_string().contains("远方党员"), "{e}");
    assert_eq!(e.body().field, Some("member"));
    let e = orgs::add_seat(
        &t.db,
        &secretary,
        "C2",
        NewSeat {
            position: s("member"),
            name: s("某"),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(e, OpsError::NotFound { .. }), "{e}");
    let e = registrations::register_member(&t.db, &secretary, far, "C", None)
        .await
        .unwrap_err();
    let said = e.to_string();
    assert!(matches!(e, OpsError::NotFound { .. }), "{said}");
    assert!(
        !said.contains(OTHER_COMMUNITY_DIV) && !said.contains("离退休") && !said.contains("远方"),
        "{said}"
    );
}

/// Finding 15: an idempotency key is its sender's own: another user sending the same key
/// makes a case of their own and learns nothing of the first, while the same sender's repeat
/// is still refused with their case's code.
#[both]
async fn idempotency_keys_belong_to_their_sender(on: Backend) {
    let t = city(on).await;
    let op = actor();
    let first = account(&t.db, &op, "first", "community_worker", Some("C"))
        .await
        .unwrap();
    let second = account(&t.db, &op, "second", "community_worker", Some("C"))
        .await
        .unwrap();
    let new = || NewCase {
        channel: s("hotline"),
        category: s("garbage"),
        title: s("楼道堆放垃圾"),
        community: s("C"),
        idempotency_key: s("form-1"),
        ..Default::default()
    };
    let a = intake::take_in(&t.db, &first, new()).await.unwrap();
    let b = intake::take_in(&t.db, &second, new()).await.unwrap();
    assert_ne!(a.code, b.code, "the second sender's case is their own");
    let e = intake::take_in(&t.db, &first, new()).await.unwrap_err();
    assert!(matches!(e, OpsError::Conflict(_)), "{e}");
    assert!(e.to_string().contains(&a.code), "{e}");
    assert_eq!(e.body().value.as_deref(), Some("form-1"), "the key as sent");
}

/// Finding 18: one bad case fails alone. Cases queued while another writer holds the lock go
/// to the database in one batch; when it refuses one of them (its key was taken while it
/// waited), the batch is written case by case: that one is refused, naming the case that took
/// its key, and the rest are written.
#[both]
async fn one_bad_case_fails_alone_in_its_batch(on: Backend) {
    use std::time::Duration;
    let t = city(on).await;
    let op = actor();
    let batcher = intake::Batcher::spawn(t.db.clone());
    let send = |title: String, key: Option<&str>| {
        let (b, db) = (batcher.clone(), t.db.clone());
        let new = NewCase {
            idempotency_key: key.map(str::to_string),
            ..garbage(&title, "C")
        };
        tokio::spawn(async move { b.take_in(&db, &actor(), new).await })
    };
    // The writer takes the first case and waits on the lock held here, so the cases sent
    // after it queue up for one batch.
    let mut held = t.db.write().await.unwrap();
    let first = send("第一件".into(), None);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let keyed = send("带键的".into(), Some("form-9"));
    let rest: Vec<_> = (0..5).map(|i| send(format!("同批{i}"), None)).collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let taken = jiceng_store::cases::CaseRow {
        code: "C000000TAKEN".into(),
        idempotency_key: Some(format!("{}\u{1f}form-9", op.audit_name())),
        title: "先到的".into(),
        org_path: "/".into(),
        received_at: jiceng_domain::clock::now(),
        created_by: op.audit_name(),
        ..Default::default()
    };
    jiceng_store::cases::insert_new(&mut held, &[taken])
        .await
        .unwrap();
    held.commit().await.unwrap();
    first.await.unwrap().unwrap();
    let e = keyed.await.unwrap().unwrap_err();
    assert!(matches!(e, OpsError::Conflict(_)), "{e}");
    assert!(e.to_string().contains("C000000TAKEN"), "{e}");
    for r in rest {
        r.await
            .unwrap()
            .expect("the others in its batch are written");
    }
    let written = count(
        &t.db,
        "SELECT COUNT(*) FROM cases WHERE title LIKE '同批%' OR title = '第一件'",
    )
    .await;
    assert_eq!(written, 6);
}

/// A code source whose first draw on this thread is a code already taken.
fn taken_then_fresh() -> String {
    thread_local!(static DRAWN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) });
    let n = DRAWN.with(|d| d.replace(d.get() + 1));
    if n == 0 {
        "C000000TAKEN".into()
    } else {
        intake::tracking_code()
    }
}

/// Finding 18, the other half: a tracking code drawn twice is drawn again, and the case is
/// written under the new one, not lost.
#[both]
async fn a_tracking_code_drawn_twice_is_drawn_again(on: Backend) {
    let t = city(on).await;
    let op = actor();
    let mut tx = t.db.write().await.unwrap();
    let first = jiceng_store::cases::CaseRow {
        code: "C000000TAKEN".into(),
        title: "先到的".into(),
        org_path: "/".into(),
        received_at: jiceng_domain::clock::now(),
        created_by: op.audit_name(),
        ..Default::default()
    };
    jiceng_store::cases::insert_new(&mut tx, &[first])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let batcher = intake::Batcher::drawing(t.db.clone(), taken_then_fresh);
    let c = batcher
        .take_in(&t.db, &op, garbage("后到的", "C"))
        .await
        .expect("written under a new code");
    assert_ne!(c.code, "C000000TAKEN");
    assert_eq!(
        count(&t.db, "SELECT COUNT(*) FROM cases WHERE title = '后到的'").await,
        1
    );
}

fn ring(points: &[(f64, f64)]) -> serde_json::Value {
    let mut ring: Vec<[f64; 2]> = points.iter().map(|(x, y)| [*x, *y]).collect();
    ring.push(ring[0]);
    serde_json::json!({ "type": "Polygon", "coordinates": [ring] })
}

/// The street draws each community's boundary; where one is drawn, the community's grids lie
/// within it, so no grid reaches into another community. The street's administrator draws
/// and erases it; a community's worker may not; a boundary that would leave a grid outside,
/// or overlap another community's, is refused by name, and nothing is written.
#[both]
async fn a_community_boundary_holds_its_grids(on: Backend) {
    use jiceng_ops::grids::{self, NewGridInput, boundaries};
    let t = city(on).await;
    let op = actor();
    let street = account(&t.db, &op, "street", "street_admin", Some("S"))
        .await
        .unwrap();
    let worker = account(&t.db, &op, "worker", "community_worker", Some("C"))
        .await
        .unwrap();
    let square = |x: f64, y: f64, side: f64| {
        ring(&[(x, y), (x + side, y), (x + side, y + side), (x, y + side)])
    };
    let grid = |n: u32, geometry: serde_json::Value| {
        grids::add(
            &t.db,
            &street,
            NewGridInput {
                community: s("C"),
                number: Some(n),
                geometry: Some(geometry),
                ..Default::default()
            },
        )
    };
    grid(1, square(119.0, 25.4, 0.01)).await.unwrap();

    let e = boundaries::draw(
        &t.db,
        &worker,
        "C",
        Some(&square(119.0, 25.4, 0.05)),
        Datum::Wgs84,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(e, OpsError::Forbidden(_)),
        "a community's worker: {e}"
    );
    let e = boundaries::draw(
        &t.db,
        &street,
        "C",
        Some(&square(119.005, 25.4, 0.05)),
        Datum::Wgs84,
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e).0, "polygon", "{e}");
    assert!(
        e.to_string().contains("不在所画边界之内"),
        "leaves grid 1 outside: {e}"
    );
    assert!(boundaries::of(&t.db, &street, "C").await.unwrap().is_none());

    let drawn = boundaries::draw(
        &t.db,
        &street,
        "C",
        Some(&square(119.0, 25.4, 0.05)),
        Datum::Wgs84,
    )
    .await
    .unwrap();
    assert_eq!(drawn.community_code, "C");
    assert_eq!(
        boundaries::within(&t.db, &worker, None)
            .await
            .unwrap()
            .len(),
        1
    );
    let e = grid(2, square(119.045, 25.4, 0.01)).await.unwrap_err();
    assert!(e.to_string().contains("边界之内"), "half outside: {e}");
    grid(2, square(119.04, 25.4, 0.01)).await.unwrap();
    let e = boundaries::draw(
        &t.db,
        &street,
        "C2",
        Some(&square(119.04, 25.44, 0.05)),
        Datum::Wgs84,
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("边界重叠"), "over C's: {e}");
    boundaries::draw(
        &t.db,
        &street,
        "C2",
        Some(&square(119.05, 25.4, 0.05)),
        Datum::Wgs84,
    )
    .await
    .unwrap();
    let e = grids::add(
        &t.db,
        &street,
        NewGridInput {
            community: s("C2"),
            number: Some(1),
            geometry: Some(square(119.01, 25.42, 0.01)),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(
        e.to_string().contains("边界重叠"),
        "a C2 grid inside C's boundary: {e}"
    );
    let e = boundaries::draw(
        &t.db,
        &street,
        "B1",
        Some(&square(119.0, 25.4, 0.05)),
        Datum::Wgs84,
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e).0, "community", "a branch has no boundary: {e}");

    boundaries::erase(&t.db, &street, "C").await.unwrap();
    assert!(boundaries::of(&t.db, &street, "C").await.unwrap().is_none());
    let e = boundaries::draw(
        &t.db,
        &street,
        "C2",
        Some(&square(119.0, 25.4, 0.1)),
        Datum::Wgs84,
    )
    .await
    .unwrap_err();
    assert!(
        e.to_string().contains("重叠"),
        "C2's boundary over C's grids: {e}"
    );
    grid(3, square(118.9, 25.3, 0.01)).await.unwrap();
    let operations = count(
        &t.db,
        "SELECT COUNT(*) FROM audit_log WHERE operation LIKE 'boundary.%'",
    )
    .await;
    assert_eq!(operations, 3, "two drawn, one erased");
}

/// Findings 4 and 11: a grid is simple, small, of few corners and overlaps no other grid, so a
/// worker cannot draw one that captures another community's cases; each refusal is named.
#[both]
async fn a_grid_cannot_capture_another_communitys_cases(on: Backend) {
    use jiceng_ops::grids::{self, NewGridInput};
    let t = city(on).await;
    let op = actor();
    let next_door = grids::add(
        &t.db,
        &op,
        NewGridInput {
            community: s("C2"),
            number: Some(1),
            geometry: Some(ring(&[
                (119.0, 25.4),
                (119.01, 25.4),
                (119.01, 25.41),
                (119.0, 25.41),
            ])),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let worker = account(&t.db, &op, "worker", "community_worker", Some("C"))
        .await
        .unwrap();
    let draw = |geometry: serde_json::Value| {
        grids::add(
            &t.db,
            &worker,
            NewGridInput {
                community: s("C"),
                number: Some(1),
                geometry: Some(geometry),
                ..Default::default()
            },
        )
    };
    let many: Vec<(f64, f64)> = (0..100_000)
        .map(|i| {
            let a = i as f64 / 100_000.0 * std::f64::consts::TAU;
            (119.1 + 0.005 * a.cos(), 25.5 + 0.005 * a.sin())
        })
        .collect();
    for (geometry, named) in [
        (
            ring(&[
                (-180.0, -90.0),
                (180.0, -90.0),
                (180.0, 90.0),
                (-180.0, 90.0),
            ]),
            "范围过大",
        ),
        (
            ring(&[
                (119.005, 25.405),
                (119.02, 25.405),
                (119.02, 25.42),
                (119.005, 25.42),
            ]),
            "与其他社区的网格重叠",
        ),
        (
            ring(&[
                (119.003, 25.403),
                (119.006, 25.403),
                (119.006, 25.406),
                (119.003, 25.406),
            ]),
            "与其他社区的网格重叠",
        ),
        (
            ring(&[
                (119.1, 25.5),
                (119.11, 25.51),
                (119.11, 25.5),
                (119.1, 25.51),
            ]),
            "自相交",
        ),
        (ring(&many), "顶点过多"),
    ] {
        let e = draw(geometry).await.unwrap_err();
        assert_eq!(e.body().field, Some("polygon"), "{e}");
        assert!(e.to_string().contains(named), "{named}: {e}");
        assert!(!e.to_string().contains(&next_door.code), "{e}");
    }
    assert_eq!(count(&t.db, "SELECT COUNT(*) FROM grids").await, 1);
    // Beside it, sharing an edge, is allowed; a case next door still goes next door.
    draw(ring(&[
        (119.01, 25.4),
        (119.02, 25.4),
        (119.02, 25.41),
        (119.01, 25.41),
    ]))
    .await
    .unwrap();
    let c = intake::take_in(
        &t.db,
        &op,
        NewCase {
            channel: s("hotline"),
            category: s("garbage"),
            title: s("楼道堆放垃圾"),
            lon: Some(119.005),
            lat: Some(25.405),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(c.grid_id, Some(next_door.id));
}

/// Finding 12: tokens expire by default, die with a password reset or a deactivation, and a
/// manager in scope revokes another account's tokens; one out of scope cannot, and a revoked
/// token stops at once even when its actor was cached.
#[both]
async fn tokens_die_with_their_account_and_expire_by_default(on: Backend) {
    let t = city(on).await;
    let op = actor();
    let secretary = account(&t.db, &op, "sec", "community_secretary", Some("C"))
        .await
        .unwrap();
    let worker = account(&t.db, &op, "worker", "community_worker", Some("C"))
        .await
        .unwrap();
    let next_door = account(&t.db, &op, "nextdoor", "community_secretary", Some("C2"))
        .await
        .unwrap();
    let Actor::User(w) = &worker else {
        unreachable!()
    };
    let made = accounts::create_token(&t.db, &worker, "脚本", "write", None)
        .await
        .unwrap();
    let days =
        (made.row.expires_at.expect("expires by default") - jiceng_domain::clock::now()).num_days();
    assert!((89..=90).contains(&days), "{days}");
    // Cached by a first use, revoked by the secretary, refused at once.
    accounts::token_actor(&t.db, &made.token, "test")
        .await
        .unwrap();
    let e = accounts::revoke_token(&t.db, &next_door, made.row.id)
        .await
        .unwrap_err();
    assert!(matches!(e, OpsError::NotFound { .. }), "out of scope: {e}");
    accounts::revoke_token(&t.db, &secretary, made.row.id)
        .await
        .unwrap();
    assert!(
        accounts::token_actor(&t.db, &made.token, "test")
            .await
            .is_err()
    );
    // A password reset revokes the rest.
    let second = accounts::create_token(&t.db, &worker, "脚本二", "read", Some(30))
        .await
        .unwrap();
    accounts::token_actor(&t.db, &second.token, "test")
        .await
        .unwrap();
    accounts::reset_password(&t.db, &secretary, "worker", "Another-horse-43")
        .await
        .unwrap();
    assert!(
        accounts::token_actor(&t.db, &second.token, "test")
            .await
            .is_err()
    );
    // Deactivation ends sessions and tokens; out of scope it is not found.
    let third = accounts::create_token(&t.db, &worker, "脚本三", "read", Some(30))
        .await
        .unwrap();
    let session = accounts::login(&t.db, "worker", "Another-horse-43", "test")
        .await
        .unwrap();
    let e = accounts::set_active(&t.db, &next_door, w.id, false)
        .await
        .unwrap_err();
    assert!(matches!(e, OpsError::NotFound { .. }), "{e}");
    let off = accounts::set_active(&t.db, &secretary, w.id, false)
        .await
        .unwrap();
    assert!(!off.active);
    assert!(
        accounts::token_actor(&t.db, &third.token, "test")
            .await
            .is_err()
    );
    assert!(
        accounts::session_actor(&t.db, &session.token)
            .await
            .is_err()
    );
    assert!(
        accounts::login(&t.db, "worker", "Another-horse-43", "test")
            .await
            .is_err()
    );
    accounts::set_active(&t.db, &secretary, w.id, true)
        .await
        .unwrap();
    assert!(
        accounts::login(&t.db, "worker", "Another-horse-43", "test")
            .await
            .is_ok()
    );
    assert!(
        accounts::token_actor(&t.db, &third.token, "test")
            .await
            .is_err(),
        "revoked tokens stay revoked"
    );
}

/// Finding 20: an edit that leaves out the residence or the employer keeps them; a blank
/// residence and employer 0 clear them on purpose.
#[both]
async fn an_edit_keeps_what_it_does_not_mention(on: Backend) {
    use jiceng_ops::members::NewMember;
    let t = city(on).await;
    let op = actor();
    let unit = unit(&t.db, "雇主公司", COMMUNITY_DIV).await;
    let m = members::add(
        &t.db,
        &op,
        NewMember {
            employer_unit: Some(unit),
            ..new_member("在职党员", 61, "B1")
        },
    )
    .await
    .unwrap();
    let edit = NewMember {
        name: s("在职党员改名"),
        residence_division: None,
        employer_unit: None,
        ..new_member("在职党员", 61, "B1")
    };
    members::update(&t.db, &op, m.id, edit.clone())
        .await
        .unwrap();
    let shown = members::show(&t.db, &op, m.id, false).await.unwrap();
    assert_eq!(
        shown.member.residence_division.as_deref(),
        Some(COMMUNITY_DIV)
    );
    assert_eq!(shown.employer_unit_name.as_deref(), Some("雇主公司"));
    members::update(
        &t.db,
        &op,
        m.id,
        NewMember {
            residence_division: s(""),
            employer_unit: Some(0),
            ..edit
        },
    )
    .await
    .unwrap();
    let shown = members::show(&t.db, &op, m.id, false).await.unwrap();
    assert_eq!(shown.member.residence_division, None);
    assert_eq!(shown.employer_unit_name, None);
}

/// Finding 17, in part: a session ends 12 hours after sign-in however busy it is.
#[both]
async fn a_session_ends_twelve_hours_after_sign_in(on: Backend) {
    use jiceng_domain::clock;
    let t = city(on).await;
    let op = actor();
    account(&t.db, &op, "worker", "community_worker", Some("C"))
        .await
        .unwrap();
    let session = accounts::login(&t.db, "worker", PW, "test").await.unwrap();
    let start = clock::now();
    // Busy all day: used every 20 minutes, so never idle for 30.
    for step in 1..=40 {
        let _at = clock::fix(start + chrono::Duration::minutes(20 * step));
        let r = accounts::session_actor(&t.db, &session.token).await;
        if step * 20 < 12 * 60 {
            assert!(r.is_ok(), "at {} minutes", step * 20);
        } else {
            let e = r.unwrap_err();
            assert!(e.to_string().contains("12 小时"), "{e}");
            return;
        }
    }
    panic!("the session outlived 12 hours");
}

/// Finding 6: a closed case is rated with the secret its receipt gave the reporter, not with a
/// phone's last digits; guessing is refused after five wrong tries, the right secret waits
/// too, and once the wait is over the real reporter rates it.
#[both]
async fn a_rating_cannot_be_forged_by_guessing(on: Backend) {
    use jiceng_domain::clock;
    let t = city(on).await;
    let op = actor();
    let c = intake::take_in(
        &t.db,
        &op,
        NewCase {
            channel: s("hotline"),
            category: s("garbage"),
            title: s("楼道堆放垃圾"),
            community: s("C"),
            reporter_phone: s("13912345678"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let secret = c.rating_secret.clone().expect("the receipt's secret");
    departments::add(&t.db, &op, "cgj", "城市管理局")
        .await
        .unwrap();
    let handler = account(&t.db, &op, "handler1", "department_handler", Some("S"))
        .await
        .unwrap();
    for (by, action, note) in [
        (&op, "dispatch", None),
        (&handler, "accept", None),
        (&handler, "feedback", Some("已处理")),
        (&op, "verify", None),
    ] {
        moves::apply(
            &t.db,
            by,
            c.id,
            Move {
                action: s(action),
                note: note.map(str::to_string),
                departments: vec!["cgj".into()],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    let shown = views::show(&t.db, &op, c.id, false).await.unwrap();
    assert_eq!(shown.case.row.status.code(), "closed");
    assert!(
        views::show(&t.db, &op, c.id, false)
            .await
            .unwrap()
            .case
            .row
            .rating_secret
            .is_none(),
        "no view but the receipt shows the secret"
    );
    let wrong = |i: u32| {
        format!(
            "{:06}",
            (secret.parse::<u32>().unwrap() + 1 + i) % 1_000_000
        )
    };
    let mut refused_by_wait = 0;
    for i in 0..20 {
        let e = moves::rate_as_reporter(&t.db, &c.code, &wrong(i), "satisfied", "test")
            .await
            .unwrap_err();
        assert_eq!(e.body().field, Some("secret"));
        if e.to_string().contains("分钟后再试") {
            refused_by_wait += 1;
        }
    }
    assert_eq!(refused_by_wait, 16, "five tries, then waiting");
    let e = moves::rate_as_reporter(&t.db, &c.code, &secret, "satisfied", "test")
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("分钟后再试"),
        "the right secret waits too: {e}"
    );
    {
        let _later = clock::fix(clock::now() + chrono::Duration::minutes(16));
        let rated = moves::rate_as_reporter(&t.db, &c.code, &secret, "satisfied", "test")
            .await
            .unwrap();
        assert_eq!(rated.satisfaction.map(|x| x.code()), Some("satisfied"));
    }
}

/// Finding 13: the chain is signed with a key kept outside the database, so someone who can
/// write the database cannot rewrite an entry and its hashes to verify again; an entry signed
/// with another key, an entry off the chain and a forged head are each reported.
#[both]
async fn the_audit_chain_cannot_be_rewritten_without_its_key(on: Backend) {
    use jiceng_domain::audit::{AuditKey, hash};
    use jiceng_ops::audit;
    use jiceng_store::audit::chain_after;
    let t = city(on).await;
    let op = actor();
    members::add(&t.db, &op, new_member("甲", 71, "B1"))
        .await
        .unwrap();
    let v = audit::verify(&t.db, &op).await.unwrap();
    assert!(v.first_broken.is_none(), "{v:?}");
    let sql = |sql: String| {
        let db = t.db.clone();
        async move {
            match &db {
                Db::Sqlite(p, _) => sqlx::query(&sql).execute(p).await.map(|_| ()).unwrap(),
                Db::Pg(p) => sqlx::query(&sql).execute(p).await.map(|_| ()).unwrap(),
            }
        }
    };
    // An attacker with the database but not the key edits entry 2 and re-signs the chain
    // from there with a key of their own (or with plain SHA-256).
    let entries = chain_after(&mut t.db.read().await.unwrap(), 0, 1000)
        .await
        .unwrap();
    for forger in [AuditKey::new(b"not-the-real-key-at-all").unwrap()] {
        let mut prev = entries[0].hash.clone().unwrap();
        for r in &entries[1..] {
            let mut r = r.clone();
            if r.seq == Some(2) {
                r.after_json = Some("{\"forged\":true}".into());
            }
            let h = hash(Some(&forger), &prev, &r.link(r.seq.unwrap()));
            sql(format!(
                "UPDATE audit_log SET after_json = {}, prev_hash = '{prev}', hash = '{h}', key_id = '{}' WHERE id = {}",
                r.after_json.as_deref().map_or("NULL".to_string(), |a| format!("'{a}'")),
                forger.id(),
                r.id
            ))
            .await;
            prev = h;
        }
        sql(format!(
            "UPDATE audit_head SET last_hash = '{prev}' WHERE id = 1"
        ))
        .await;
        let v = audit::verify(&t.db, &op).await.unwrap();
        let b = v.first_broken.expect("a chain re-signed with another key");
        assert_eq!(b.seq, 2, "{b:?}");
        assert!(b.reason.contains("密钥"), "{}", b.reason);
        // Now pretend the forger's entries carry the real key's id: the signature fails.
        let real = jiceng_store::audit_key::current().unwrap();
        sql(format!("UPDATE audit_log SET key_id = '{}'", real.id())).await;
        let b = audit::verify(&t.db, &op)
            .await
            .unwrap()
            .first_broken
            .unwrap();
        assert_eq!(b.seq, 2);
        assert!(b.reason.contains("签名不符"), "{}", b.reason);
    }
    // An entry written beside the chain, with no sequence number, is reported.
    let t = city(on).await;
    members::add(&t.db, &op, new_member("乙", 73, "B1"))
        .await
        .unwrap();
    let sql2 = |sql: &str| {
        let db = t.db.clone();
        let sql = sql.to_string();
        async move {
            match &db {
                Db::Sqlite(p, _) => sqlx::query(&sql).execute(p).await.map(|_| ()).unwrap(),
                Db::Pg(p) => sqlx::query(&sql).execute(p).await.map(|_| ()).unwrap(),
            }
        }
    };
    sql2("UPDATE audit_head SET last_hash = 'f00d' WHERE id = 1").await;
    let b = audit::verify(&t.db, &op)
        .await
        .unwrap()
        .first_broken
        .unwrap();
    assert!(b.reason.contains("链尾"), "a forged head: {}", b.reason);
    sql2("INSERT INTO audit_log (at, actor, operation, target) VALUES ('2026-01-01T00:00:00Z', 'x', 'member.delete', 'member:1')").await;
    let b = audit::verify(&t.db, &op)
        .await
        .unwrap()
        .first_broken
        .unwrap();
    assert!(b.reason.contains("不在链上"), "{}", b.reason);
}

/// Work that must happen once happens once: two servers on one database escalating the same
/// overdue cases at the same moment write one supervision step per case between them.
#[both]
async fn two_servers_escalate_each_overdue_case_once(on: Backend) {
    use jiceng_ops::cases::escalation;
    let t = city(on).await;
    let op = actor();
    departments::add(&t.db, &op, "cgj", "城市管理局")
        .await
        .unwrap();
    let now = jiceng_domain::clock::now();
    for i in 0..12 {
        let id = dispatched(&t.db, &op, garbage(&format!("垃圾满溢{i}"), "C")).await;
        let mut tx = t.db.write().await.unwrap();
        let mut row = jiceng_store::cases::by_id(&mut tx, id)
            .await
            .unwrap()
            .unwrap();
        row.dispatched_at = Some(now - chrono::Duration::days(10));
        row.due_at = Some(now - chrono::Duration::days(2));
        jiceng_store::cases::save(&mut tx, &row).await.unwrap();
        tx.commit().await.unwrap();
    }
    // A second server: its own pool on the same database.
    let other = Db::open(Some(&t.url), t.dir()).await.unwrap();
    let (a, b) = tokio::join!(escalation::run(&t.db, now), escalation::run(&other, now));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a + b, 12, "{a} + {b}");
    assert_eq!(
        count(
            &t.db,
            "SELECT COUNT(*) FROM case_steps WHERE action = 'supervise'"
        )
        .await,
        12,
        "one step per case"
    );
    let (a, b) = tokio::join!(escalation::run(&t.db, now), escalation::run(&other, now));
    assert_eq!(a.unwrap() + b.unwrap(), 0, "already yellow");
}

/// Public lookups are limited per address: twenty tracking codes that do not exist from one
/// address make it wait, while whoever holds a real code, elsewhere, looks it up freely.
#[both]
async fn guessing_tracking_codes_soon_waits(on: Backend) {
    let t = city(on).await;
    let op = actor();
    let real = intake::take_in(&t.db, &op, garbage("路灯不亮", "C"))
        .await
        .unwrap()
        .code;
    for i in 0..19 {
        let e = views::track(&t.db, &format!("C000000GUESS{i}"), "guesser")
            .await
            .unwrap_err();
        assert!(matches!(e, OpsError::NotFound { .. }), "{e}");
    }
    let e = views::track(&t.db, "C000000GUESS19", "guesser")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("分钟后再试"), "{e}");
    assert!(
        views::track(&t.db, &real, "guesser").await.is_err(),
        "the guesser waits, real code or not"
    );
    assert_eq!(
        views::track(&t.db, &real, "the-reporter")
            .await
            .unwrap()
            .code,
        real
    );
}

/// A throttle cannot be worn down by attempts in flight together: twenty-two wrong passwords
/// sent at once, all past the first check before any failed, leave the account's block in
/// place, and the right password waits.
#[both]
async fn concurrent_wrong_passwords_cannot_wear_a_block_down(on: Backend) {
    let t = city(on).await;
    account(&t.db, &actor(), "worker", "community_worker", Some("C"))
        .await
        .unwrap();
    let mut tries = tokio::task::JoinSet::new();
    for i in 0..22 {
        let db = t.db.clone();
        tries.spawn(async move {
            accounts::login(&db, "worker", &format!("wrong-{i}"), "one-address").await
        });
    }
    while let Some(r) = tries.join_next().await {
        assert!(r.unwrap().is_err());
    }
    let e = accounts::login(&t.db, "worker", PW, "one-address")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("分钟后再试"), "{e}");
}

/// Rating is no way to find which tracking codes exist: an unknown code answers exactly like
/// a wrong secret for a real one, and counts as a guessed code against the address.
#[both]
async fn rating_answers_an_unknown_code_like_a_wrong_secret(on: Backend) {
    let t = city(on).await;
    let op = actor();
    let c = intake::take_in(&t.db, &op, garbage("路灯不亮", "C"))
        .await
        .unwrap();
    let wrong = if c.rating_secret.as_deref() == Some("000000") {
        "000001"
    } else {
        "000000"
    };
    let real = moves::rate_as_reporter(&t.db, &c.code, wrong, "satisfied", "a")
        .await
        .unwrap_err();
    let unknown = moves::rate_as_reporter(&t.db, "C000000NOSUCH", wrong, "satisfied", "b")
        .await
        .unwrap_err();
    assert_eq!(real.to_string(), unknown.to_string());
    assert_eq!(real.body().field, unknown.body().field);
    for i in 0..19 {
        let _ =
            moves::rate_as_reporter(&t.db, &format!("C000000NO{i}"), wrong, "satisfied", "b").await;
    }
    let e = views::track(&t.db, &c.code, "b").await.unwrap_err();
    assert!(e.to_string().contains("分钟后再试"), "{e}");
}
