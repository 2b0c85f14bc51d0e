//! Store cases. Each runs on SQLite, and on PostgreSQL when JICENG_TEST_DATABASE_URL is set
//! (the CI runs the suite both ways).

use chrono::NaiveDate;
use jiceng_domain::{Division, DivisionCode, Gender, MemberStatus};
use jiceng_store::Backend;
use jiceng_store::members::{MemberFields, MemberFilter};
use jiceng_store::orgs::{OrgFields, OrgFilter};
use jiceng_store::registrations::NewRegistration;
use jiceng_store::testing::TestDb;
use jiceng_store::{StoreError, Tx, divisions, members, orgs, registrations};
use jiceng_testkit::both;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

async fn seed_divisions(tx: &mut Tx) {
    let list: Vec<Division> = [
        ("350000000000", "福建省"),
        ("350300000000", "莆田市"),
        ("350302000000", "城厢区"),
        ("350302001000", "龙桥街道"),
        ("350302001001", "太平社区居委会"),
    ]
    .iter()
    .map(|(c, n)| Division {
        code: DivisionCode::parse(c).unwrap(),
        name: n.to_string(),
    })
    .collect();
    divisions::insert_missing(tx, &list).await.unwrap();
}

fn org(code: &str, level: &str) -> OrgFields {
    OrgFields {
        code: code.into(),
        name: format!("组织{code}"),
        level: jiceng_domain::OrgLevel::parse(level).unwrap(),
        category: jiceng_domain::OrgCategory::Regional,
        division_code: "350302001001".into(),
        founded_on: None,
        elected_on: Some(d("2024-01-01")),
        term_years: Some(5),
        term_due: Some(d("2029-01-01")),
        project: None,
        ends_on: None,
    }
}

fn member(n: usize) -> MemberFields {
    MemberFields {
        name: format!("党员{n}"),
        gender: Gender::Male,
        ethnicity: "汉族".into(),
        birth_date: d("1980-01-01"),
        id_number: format!("ID{n:016}"),
        phone: None,
        education: None,
        joined_on: d("2005-01-01"),
        full_on: Some(d("2006-01-01")),
        status: if n.is_multiple_of(2) {
            MemberStatus::Full
        } else {
            MemberStatus::Probationary
        },
        categories: if n.is_multiple_of(3) { 1 } else { 2 },
        residence_division: Some("350302001001".into()),
        employer_unit_id: None,
    }
}

#[both]
async fn migrations_are_recorded_and_run_once(on: Backend) {
    let t = TestDb::on(on).await;
    assert_eq!(
        t.db.schema_version().await.unwrap(),
        Some(jiceng_store::MIGRATIONS.last().unwrap().version)
    );
    assert!(
        t.db.migrate().await.unwrap().is_empty(),
        "second run applies nothing"
    );
}

#[both]
async fn divisions_insert_once_and_know_children(on: Backend) {
    let t = TestDb::on(on).await;
    let mut tx = t.db.write().await.unwrap();
    seed_divisions(&mut tx).await;
    seed_divisions(&mut tx).await;
    assert_eq!(divisions::count(&mut tx).await.unwrap(), 5);
    let kids = divisions::children(&mut tx, &DivisionCode::parse("350302001").unwrap())
        .await
        .unwrap();
    assert_eq!(kids.len(), 1);
    assert_eq!(kids[0].name, "太平社区居委会");
    assert_eq!(kids[0].level.code(), "village");
}

#[both]
async fn subtree_move_rewrites_paths_and_counts(on: Backend) {
    let t = TestDb::on(on).await;
    let mut tx = t.db.write().await.unwrap();
    seed_divisions(&mut tx).await;
    let a = orgs::insert(&mut tx, &org("A", "district"), None)
        .await
        .unwrap();
    let a = orgs::by_id(&mut tx, a).await.unwrap().unwrap();
    let b = orgs::insert(&mut tx, &org("B", "street"), Some(&a))
        .await
        .unwrap();
    let b = orgs::by_id(&mut tx, b).await.unwrap().unwrap();
    let c = orgs::insert(&mut tx, &org("C", "street"), Some(&a))
        .await
        .unwrap();
    let c = orgs::by_id(&mut tx, c).await.unwrap().unwrap();
    let x = orgs::insert(&mut tx, &org("X", "community"), Some(&b))
        .await
        .unwrap();
    let x = orgs::by_id(&mut tx, x).await.unwrap().unwrap();
    assert_eq!(x.path, format!("/{}/{}/{}/", a.id, b.id, x.id));
    for n in 0..3 {
        members::insert(&mut tx, &member(n), x.id, &x.path)
            .await
            .unwrap();
        orgs::add_members(&mut tx, &x.path, 1).await.unwrap();
    }
    let b = orgs::by_id(&mut tx, b.id).await.unwrap().unwrap();
    assert_eq!(b.subtree_member_count, 3);

    let x = orgs::by_id(&mut tx, x.id).await.unwrap().unwrap();
    // A position run from the org, and a standard set for it, move with it.
    let position = jiceng_store::positions::insert(
        &mut tx,
        &jiceng_store::positions::NewPosition {
            kind: jiceng_domain::positions::PositionKind::Micro,
            name: "微阵地",
            org_id: x.id,
            org_path: &x.path,
            unit_id: None,
            point: (119.0, 25.4),
            area_m2: 40,
            rooms: None,
            facilities: None,
            hours: None,
            by: "test",
        },
    )
    .await
    .unwrap();
    jiceng_store::positions::set_standard(
        &mut tx,
        &x.path,
        jiceng_domain::positions::PositionKind::Micro,
        Some(30),
    )
    .await
    .unwrap();
    orgs::move_subtree(&mut tx, &x, &c).await.unwrap();
    let kept = jiceng_store::positions::by_id(&mut tx, position)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.org_path, format!("/{}/{}/{}/", a.id, c.id, x.id));
    let standards = jiceng_store::positions::standards(&mut tx).await.unwrap();
    assert!(
        standards
            .iter()
            .any(|(p, k, _)| *p == kept.org_path && k == "micro")
    );
    let moved = orgs::by_id(&mut tx, x.id).await.unwrap().unwrap();
    assert_eq!(moved.path, format!("/{}/{}/{}/", a.id, c.id, x.id));
    assert_eq!(moved.parent_id, Some(c.id));
    assert_eq!(
        orgs::by_id(&mut tx, b.id)
            .await
            .unwrap()
            .unwrap()
            .subtree_member_count,
        0
    );
    assert_eq!(
        orgs::by_id(&mut tx, c.id)
            .await
            .unwrap()
            .unwrap()
            .subtree_member_count,
        3
    );
    assert_eq!(
        orgs::by_id(&mut tx, a.id)
            .await
            .unwrap()
            .unwrap()
            .subtree_member_count,
        3
    );
    let c = orgs::by_id(&mut tx, c.id).await.unwrap().unwrap();
    let page = members::page_in_subtree(&mut tx, &c.path, &MemberFilter::default(), None, 10)
        .await
        .unwrap();
    assert_eq!(page.len(), 3);
    assert!(page.iter().all(|m| m.org_path == moved.path));
    let b = orgs::by_id(&mut tx, b.id).await.unwrap().unwrap();
    assert!(
        members::page_in_subtree(&mut tx, &b.path, &MemberFilter::default(), None, 10)
            .await
            .unwrap()
            .is_empty()
    );

    // Recounting from scratch agrees with the counts kept on write.
    orgs::recount(&mut tx).await.unwrap();
    assert_eq!(
        orgs::by_id(&mut tx, a.id)
            .await
            .unwrap()
            .unwrap()
            .subtree_member_count,
        3
    );
    assert_eq!(
        orgs::by_id(&mut tx, c.id)
            .await
            .unwrap()
            .unwrap()
            .member_count,
        0
    );
    assert_eq!(
        orgs::by_id(&mut tx, x.id)
            .await
            .unwrap()
            .unwrap()
            .member_count,
        3
    );
    let listed = orgs::in_subtree(
        &mut tx,
        &a.path,
        &OrgFilter {
            level: Some(jiceng_domain::OrgLevel::Street),
            ..Default::default()
        },
        10,
        0,
    )
    .await
    .unwrap();
    assert_eq!(
        listed.iter().map(|o| o.code.as_str()).collect::<Vec<_>>(),
        vec!["B", "C"]
    );
}

#[both]
async fn member_pages_follow_keyset_and_filters(on: Backend) {
    let t = TestDb::on(on).await;
    let mut tx = t.db.write().await.unwrap();
    seed_divisions(&mut tx).await;
    let a = orgs::insert(&mut tx, &org("A", "district"), None)
        .await
        .unwrap();
    let a = orgs::by_id(&mut tx, a).await.unwrap().unwrap();
    let mut kids = Vec::new();
    for code in ["K1", "K2", "K3"] {
        let id = orgs::insert(&mut tx, &org(code, "street"), Some(&a))
            .await
            .unwrap();
        kids.push(orgs::by_id(&mut tx, id).await.unwrap().unwrap());
    }
    // 2,500 members in bulk, spread over the three children (more than one insert chunk).
    let rows: Vec<_> = (0..2500)
        .map(|n| {
            let k = &kids[n % 3];
            (n as i64 + 1, k.id, k.path.as_str(), member(n))
        })
        .collect();
    members::insert_many(&mut tx, &rows).await.unwrap();
    tx.sync_ids(&["members"]).await.unwrap();
    assert_eq!(members::count(&mut tx).await.unwrap(), 2500);

    let mut seen = Vec::new();
    let mut after: Option<(String, i64)> = None;
    loop {
        let page = members::page_in_subtree(
            &mut tx,
            &a.path,
            &MemberFilter::default(),
            after.as_ref().map(|(p, i)| (p.as_str(), *i)),
            300,
        )
        .await
        .unwrap();
        if page.is_empty() {
            break;
        }
        after = page.last().map(|m| (m.org_path.clone(), m.id));
        seen.extend(page.into_iter().map(|m| (m.org_path, m.id)));
    }
    assert_eq!(seen.len(), 2500, "every member exactly once");
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "ordered by (org_path, id)"
    );

    let probationary = MemberFilter {
        status: Some("probationary".into()),
        ..Default::default()
    };
    let page = members::page_in_subtree(&mut tx, &kids[0].path, &probationary, None, 5000)
        .await
        .unwrap();
    assert!(
        !page.is_empty()
            && page
                .iter()
                .all(|m| m.status == MemberStatus::Probationary && m.org_id == kids[0].id)
    );
    let employed = MemberFilter {
        category_bit: Some(1),
        ..Default::default()
    };
    let page = members::page_in_subtree(&mut tx, &a.path, &employed, None, 5000)
        .await
        .unwrap();
    assert_eq!(
        page.len(),
        (0..2500usize).filter(|n| n.is_multiple_of(3)).count()
    );

    // A member added after the bulk load gets a fresh id on either backend.
    let id = members::insert(&mut tx, &member(9999), kids[0].id, &kids[0].path)
        .await
        .unwrap();
    assert!(id > 2500);
}

#[both]
async fn unique_id_numbers_and_one_active_registration(on: Backend) {
    let t = TestDb::on(on).await;
    let mut tx = t.db.write().await.unwrap();
    seed_divisions(&mut tx).await;
    let a = orgs::insert(&mut tx, &org("A", "district"), None)
        .await
        .unwrap();
    let a = orgs::by_id(&mut tx, a).await.unwrap().unwrap();
    let m = members::insert(&mut tx, &member(1), a.id, &a.path)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = t.db.write().await.unwrap();
    let dup = members::insert(&mut tx, &member(1), a.id, &a.path).await;
    assert!(matches!(dup, Err(StoreError::Duplicate(_))), "{dup:?}");
    drop(tx);

    let mut tx = t.db.write().await.unwrap();
    let r = NewRegistration {
        community_org_id: a.id,
        member_id: Some(m),
        unit_id: None,
        registered_on: d("2024-01-01"),
    };
    let first = registrations::insert(&mut tx, &r).await.unwrap();
    assert!(matches!(
        registrations::insert(&mut tx, &r).await,
        Err(StoreError::Duplicate(_))
    ));
    drop(tx);
    let mut tx = t.db.write().await.unwrap();
    let first = registrations::insert(&mut tx, &r).await.unwrap_or(first);
    registrations::end(&mut tx, first, d("2025-01-01"))
        .await
        .unwrap();
    registrations::insert(&mut tx, &r)
        .await
        .expect("a new registration once the old one ended");
    let history = registrations::of_member(&mut tx, m).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(
        registrations::community_counts(&mut tx, a.id)
            .await
            .unwrap(),
        (1, 0)
    );
}

/// Pooled PostgreSQL connections the server ended right after their use are handed out again
/// unchecked (only one idle for over a second is pinged); the next writer begins on a live
/// one instead of failing. SQLite's connections live in the process and cannot be ended so.
#[both]
async fn a_connection_ended_since_its_last_use_does_not_fail_the_next_write(on: Backend) {
    let t = TestDb::on(on).await;
    if on == Backend::Sqlite {
        return;
    }
    async fn pid(tx: &mut Tx) -> i32 {
        match tx {
            Tx::Pg(c) => sqlx::query_scalar("SELECT pg_backend_pid()")
                .fetch_one(&mut **c)
                .await
                .unwrap(),
            _ => unreachable!("a PostgreSQL transaction"),
        }
    }
    let mut tx = t.db.write().await.unwrap();
    let ended = pid(&mut tx).await;
    tx.commit().await.unwrap();
    let mut other = <sqlx::PgConnection as sqlx::Connection>::connect(&t.url)
        .await
        .unwrap();
    // Every session of the pool ends, as when the server restarts.
    let done: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .fetch_all(&mut other)
    .await
    .unwrap();
    assert!(!done.is_empty() && done.iter().all(|d| *d));
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let mut tx =
        t.db.write()
            .await
            .expect("the write begins on another connection");
    assert_ne!(pid(&mut tx).await, ended);
    tx.commit().await.unwrap();
}
