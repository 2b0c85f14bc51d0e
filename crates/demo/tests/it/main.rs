//! The demo city: real divisions, the study's proportions, valid files, reproducible.

use jiceng_demo::{self as demo, DemoSpec, Quiet};
use jiceng_ops::members::ListMembers;
use jiceng_ops::orgs::ListOrgs;
use jiceng_ops::{Actor, OpsError, members, orgs};
use jiceng_store::testing::TestDb;

mod desk;

async fn count(db: &jiceng_ops::Db, sql: &str) -> i64 {
    match db {
        jiceng_ops::Db::Sqlite(p, _) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        jiceng_ops::Db::Pg(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
    }
}

async fn ids(db: &jiceng_ops::Db, sql: &str) -> Vec<i64> {
    match db {
        jiceng_ops::Db::Sqlite(p, _) => sqlx::query_scalar(sql).fetch_all(p).await.unwrap(),
        jiceng_ops::Db::Pg(p) => sqlx::query_scalar(sql).fetch_all(p).await.unwrap(),
    }
}

async fn exec(db: &jiceng_ops::Db, sql: &str) {
    match db {
        jiceng_ops::Db::Sqlite(p, _) => {
            sqlx::raw_sql(sql).execute(p).await.unwrap();
        }
        jiceng_ops::Db::Pg(p) => {
            sqlx::raw_sql(sql).execute(p).await.unwrap();
        }
    }
}

async fn build(scale: f64, seed: u64) -> (TestDb, demo::DemoSummary) {
    let t = TestDb::new().await;
    let spec = DemoSpec {
        city: "莆田市".into(),
        scale,
        seed,
        today: Some("2026-06-30".parse().unwrap()),
    };
    let s = demo::build(&t.db, &Actor::operator(), &spec, &Quiet)
        .await
        .unwrap();
    (t, s)
}

#[tokio::test]
async fn putian_at_scale_one_has_the_study_figures() {
    let (t, s) = build(1.0, 7).await;
    let a = Actor::operator();
    assert_eq!(s.streets, 8, "Putian's eight real streets");
    assert_eq!(s.members, demo::putian::MEMBERS);
    let streets = orgs::list(
        &t.db,
        &a,
        ListOrgs {
            level: Some("street".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let names: Vec<_> = streets.items.iter().map(|o| o.row.name.as_str()).collect();
    assert!(names.contains(&"中共龙桥街道工作委员会"), "{names:?}");
    let units = orgs::list(
        &t.db,
        &a,
        ListOrgs {
            category: Some("unit".into()),
            per_page: Some(500),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(units.items.len(), 112 + 16 + 85 + 24);
    let grids = orgs::list(
        &t.db,
        &a,
        ListOrgs {
            category: Some("grid".into()),
            per_page: Some(500),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(grids.items.len(), 200);
    // Counts kept on the tree add up to the members stored.
    let districts = orgs::list(
        &t.db,
        &a,
        ListOrgs {
            level: Some("district".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let total: i64 = districts
        .items
        .iter()
        .map(|d| d.row.subtree_member_count)
        .sum();
    assert_eq!(total as u64, s.members);
    // A generated file passes the same rules as a typed one: adding it again is refused only
    // as a duplicate.
    let first = members::list(
        &t.db,
        &a,
        ListMembers {
            limit: Some(1),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .items
    .remove(0);
    let full = members::show(&t.db, &a, first.id, true)
        .await
        .unwrap()
        .member;
    let again = jiceng_ops::members::NewMember {
        name: Some(full.name.clone()),
        id_number: Some(full.id_number.clone()),
        joined_on: Some(full.joined_on.to_string()),
        full_on: full.full_on.map(|d| d.to_string()),
        phone: full.phone.clone(),
        org: Some(full.org_code.clone()),
        ..Default::default()
    };
    let e = members::add(&t.db, &a, again).await.unwrap_err();
    assert!(
        matches!(e, OpsError::Conflict(ref i) if i.field == "id_number"),
        "{e}"
    );
    // Last year's two-way evaluation is mostly done, with some pairs still owed.
    let pairs = jiceng_ops::evaluations::pairs(
        &t.db,
        &a,
        jiceng_ops::evaluations::ListPairs {
            year: Some("2025".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let owed: i64 = pairs.progress.iter().map(|p| p.owed).sum();
    let done: i64 = pairs.progress.iter().map(|p| p.done).sum();
    assert_eq!(pairs.progress.len(), 3, "units, members and communities");
    assert_eq!(done as u64, s.evaluations);
    assert!(done > owed / 2 && done < owed, "{done} of {owed}");
    // Grids tile the communities, one per grid branch, and a year of cases went round the
    // loop; the counts kept for the rates agree with a recount of the cases.
    assert_eq!(s.grids, 200);
    assert!(s.cases > 10_000, "{}", s.cases);
    let stat =
        |col: &str| format!("SELECT CAST(COALESCE(SUM({col}), 0) AS BIGINT) FROM case_stats");
    assert_eq!(count(&t.db, &stat("received")).await, s.cases as i64);
    assert_eq!(
        count(&t.db, &stat("closed")).await,
        count(
            &t.db,
            "SELECT COUNT(*) FROM cases WHERE closed_at IS NOT NULL"
        )
        .await
    );
    assert_eq!(
        count(&t.db, &stat("followed_up")).await,
        count(
            &t.db,
            "SELECT COUNT(*) FROM cases WHERE satisfaction IS NOT NULL"
        )
        .await
    );
    assert_eq!(
        count(&t.db, &stat("reworked")).await,
        count(&t.db, "SELECT COUNT(*) FROM cases WHERE reworks > 0").await
    );
    let open = count(&t.db, "SELECT COUNT(*) FROM cases WHERE closed_at IS NULL").await;
    assert!(
        open > 0 && open < s.cases as i64 / 5,
        "recent cases still open: {open}"
    );
    let late = count(&t.db, "SELECT COUNT(*) FROM cases WHERE closed_at > due_at").await;
    assert!(late > 0, "some closed late");
    // Grid branches are assessed on their grid's cases closed on time.
    let q = jiceng_ops::assessment::quarter(&t.db, &a, None, "2026-Q1")
        .await
        .unwrap();
    let parts: Vec<f64> = q.orgs.iter().filter_map(|o| o.cases).collect();
    assert!(
        parts.len() >= 150,
        "most of the 200 grid branches: {}",
        parts.len()
    );
    assert!(parts.iter().all(|p| (0.0..=1.0).contains(p)));
    assert!(
        parts.iter().any(|p| *p < 1.0),
        "some branches closed cases late"
    );
    // The demo only goes into an empty database.
    let e = demo::build(
        &t.db,
        &a,
        &DemoSpec {
            city: "莆田市".into(),
            scale: 0.1,
            seed: 1,
            today: None,
        },
        &demo::Quiet,
    )
    .await
    .unwrap_err();
    assert!(matches!(e, OpsError::Conflict(_)));
}

#[tokio::test]
async fn same_seed_same_city() {
    let (a_db, a) = build(0.05, 42).await;
    let (b_db, b) = build(0.05, 42).await;
    let (c_db, _) = build(0.05, 43).await;
    assert_eq!(a.members, b.members);
    let page = |t: &TestDb| {
        let db = t.db.clone();
        async move {
            let p = members::list(
                &db,
                &Actor::operator(),
                ListMembers {
                    limit: Some(20),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            p.items
                .into_iter()
                .map(|m| (m.name, m.id_number, m.org_code))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(page(&a_db).await, page(&b_db).await);
    assert_ne!(page(&a_db).await, page(&c_db).await);
}

#[tokio::test]
async fn unknown_city_is_refused() {
    let t = TestDb::new().await;
    let e = demo::build(
        &t.db,
        &Actor::operator(),
        &DemoSpec {
            city: "不存在市".into(),
            scale: 1.0,
            seed: 1,
            today: None,
        },
        &Quiet,
    )
    .await
    .unwrap_err();
    assert_eq!(e.body().field, Some("division_code"));
    let e = demo::build(
        &t.db,
        &Actor::operator(),
        &DemoSpec {
            city: "莆田市".into(),
            scale: 0.0,
            seed: 1,
            today: None,
        },
        &Quiet,
    )
    .await
    .unwrap_err();
    assert_eq!(e.body().field, Some("scale"));
}

/// Every department's line on the rates counts the cases dispatched or whistled to it, as a
/// recount over the cases and summons finds them; the holders' lines add up to the total and
/// the department lines to the cases dispatched to departments plus the extra summons.
#[tokio::test]
async fn department_lines_match_a_recount_and_add_up() {
    let (t, _) = build(0.3, 11).await;
    let r = by_department(&t.db).await;
    let registered = "c.registered_at IS NOT NULL";
    let whistled = |d: &str, what: &str| {
        format!(
            "SELECT COUNT(*) FROM case_summons s JOIN cases c ON c.id = s.case_id \
             JOIN departments d ON d.id = s.department_id WHERE d.code = '{d}' \
             AND (c.department_id IS NULL OR c.department_id <> s.department_id) AND {what}"
        )
    };
    let held = |d: &str, what: &str| {
        format!(
            "SELECT COUNT(*) FROM cases c JOIN departments d ON d.id = c.department_id \
             WHERE d.code = '{d}' AND {what}"
        )
    };
    let mut extra = 0;
    let mut dispatched = 0;
    for line in &r.lines {
        let Some(code) = &line.code else {
            let own = count(
                &t.db,
                &format!(
                    "SELECT COUNT(*) FROM cases c WHERE c.department_id IS NULL AND {registered}"
                ),
            )
            .await;
            assert_eq!(line.counts.received, own, "社区、街道自办");
            continue;
        };
        let recount = |what: &'static str| {
            let (held, whistled) = (held(code, what), whistled(code, what));
            let db = t.db.clone();
            async move { (count(&db, &held).await, count(&db, &whistled).await) }
        };
        let (h, w) = recount(registered).await;
        assert_eq!(line.counts.received, h + w, "{} received", line.label);
        let (hc, wc) = recount("c.closed_at IS NOT NULL").await;
        assert_eq!(line.counts.closed, hc + wc, "{} closed", line.label);
        let (hs, ws) = recount("c.satisfaction IN ('satisfied', 'basic')").await;
        assert_eq!(line.counts.satisfied, hs + ws, "{} satisfied", line.label);
        assert!(line.resolution_rate.is_some_and(|x| x > 0.5), "{line:?}");
        extra += w;
        dispatched += h;
    }
    assert!(extra > 0, "some cases were whistled to a second department");
    let to_departments = count(
        &t.db,
        &format!("SELECT COUNT(*) FROM cases c WHERE c.department_id IS NOT NULL AND {registered}"),
    )
    .await;
    assert_eq!(dispatched, to_departments);
    let lines: i64 = r.lines.iter().map(|l| l.counts.received).sum();
    assert_eq!(lines, r.total.counts.received + extra);
    assert_eq!(
        r.total.counts.received,
        count(
            &t.db,
            &format!("SELECT COUNT(*) FROM cases c WHERE {registered}")
        )
        .await
    );
}

async fn by_department(db: &jiceng_ops::Db) -> jiceng_ops::cases::rates::Rates {
    use jiceng_ops::cases::rates::{self, RatesQuery};
    rates::rates(
        db,
        &Actor::operator(),
        RatesQuery {
            from: Some("2025-01".into()),
            to: Some("2026-12".into()),
            by: Some("department".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

/// A database whose counts were kept the old way (every case's 立案数 under no department,
/// no summoned shares) is brought to the same figures by the migration as live accounting.
#[tokio::test]
async fn the_migration_recounts_department_figures_kept_the_old_way() {
    let (t, _) = build(0.2, 5).await;
    let figures = |r: jiceng_ops::cases::rates::Rates| {
        let mut v: Vec<_> = r
            .lines
            .into_iter()
            .chain([r.total])
            .map(|l| {
                let c = l.counts;
                (
                    l.label,
                    c.received,
                    c.closed,
                    c.closed_on_time,
                    c.handling_minutes,
                    c.satisfied,
                    c.followed_up,
                )
            })
            .collect();
        v.sort();
        v
    };
    let kept = figures(by_department(&t.db).await);
    exec(
        &t.db,
        "UPDATE case_stats SET received = received + COALESCE((SELECT SUM(x.received) FROM case_stats x \
           WHERE x.month = case_stats.month AND x.street_org_id = case_stats.street_org_id \
           AND x.category_top = case_stats.category_top AND x.department_id <> 0), 0) \
         WHERE department_id = 0; \
         UPDATE case_stats SET received = 0 WHERE department_id <> 0; \
         DROP TABLE case_shared_stats; \
         DELETE FROM schema_migrations WHERE version = 26;",
    )
    .await;
    let held = "SELECT CAST(COALESCE(SUM(received), 0) AS BIGINT) FROM case_stats WHERE department_id <> 0";
    assert_eq!(count(&t.db, held).await, 0, "kept the old way");
    t.db.migrate().await.unwrap();
    assert_eq!(figures(by_department(&t.db).await), kept);
}
