//! The case loop end to end at the use-case level, on SQLite or PostgreSQL: intake and
//! routing, a whistle to two departments, extension, rework, closing and the reporter's
//! rating, the side paths, refused moves, and the rates kept on write.

use crate::common::*;
use chrono::{DateTime, Utc};
use jiceng_ops::cases::intake::{self, NewCase};
use jiceng_ops::cases::moves::{self, Move};
use jiceng_ops::cases::rates::{self, RatesQuery};
use jiceng_ops::cases::{departments, views};
use jiceng_ops::grids::patrols;
use jiceng_ops::grids::{self, NewGridInput};
use jiceng_ops::{Actor, Db, OpsError};
use jiceng_store::Backend;
use jiceng_testkit::both;
use serde_json::json;

fn mv(action: &str) -> Move {
    Move {
        action: s(action),
        ..Default::default()
    }
}

fn noted(action: &str, note: &str) -> Move {
    Move {
        note: s(note),
        ..mv(action)
    }
}

fn report(title: &str, lon: f64, lat: f64) -> NewCase {
    NewCase {
        channel: s("hotline"),
        category: s("garbage"),
        title: s(title),
        address: s("凤山街道某小区"),
        lon: Some(lon),
        lat: Some(lat),
        reporter_name: s("王女士"),
        reporter_phone: s("13912345678"),
        ..Default::default()
    }
}

#[both]
async fn a_case_goes_round_the_loop_with_its_side_paths(on: Backend) {
    let t = city(on).await;
    let a = actor();
    for (code, name) in [
        ("cgj", "城市管理局"),
        ("swj", "水务集团"),
        ("gdj", "供电公司"),
    ] {
        departments::add(&t.db, &a, code, name).await.unwrap();
    }
    let square = json!({ "type": "Polygon", "coordinates": [[[119.0, 25.4], [119.01, 25.4], [119.01, 25.41], [119.0, 25.41], [119.0, 25.4]]] });
    let grid = grids::add(
        &t.db,
        &a,
        NewGridInput {
            community: s("C"),
            number: Some(1),
            branch: s("B1"),
            geometry: Some(square),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(grid.code, format!("{COMMUNITY_DIV}001"));
    let l = Loop {
        street: account(&t.db, "street", "street_admin", "S", None).await,
        cgj: account(&t.db, "cgj1", "department_handler", "S", Some("cgj")).await,
        swj: account(&t.db, "swj1", "department_handler", "S", Some("swj")).await,
        gdj: account(&t.db, "gdj1", "department_handler", "S", Some("gdj")).await,
        gridder: account(&t.db, "grid1", "grid_worker", "B1", None).await,
        db: t.db.clone(),
        a,
    };
    let (case, code, secret) = intake_locates_registers_and_refuses_repeats(&l, grid.id).await;
    let lost = outside_every_grid_it_waits_in_the_manual_queue(&l).await;
    let due = the_street_whistles_and_each_summoned_department_reports(&l, case).await;
    one_extension_with_a_reason(&l, case, due).await;
    feedback_rework_closing_and_the_reporters_rating(&l, case, &code, &secret).await;
    the_side_paths_return_suspend_resume_and_supervise(&l, lost).await;
    the_rates_come_from_the_counts_kept_on_each_move(&l).await;
    the_inbox_and_the_audit_trail_hold_every_move_made(&l).await;
}

/// The case loop's database and the accounts that work on it.
struct Loop {
    db: Db,
    a: Actor,
    street: Actor,
    cgj: Actor,
    swj: Actor,
    gdj: Actor,
    gridder: Actor,
}

/// Intake: located in the grid and registered at once under 市容环境; the same key again
/// names the first case; an unknown category is named. Returns the case's id, its code and
/// the rating secret its receipt gives the reporter.
async fn intake_locates_registers_and_refuses_repeats(
    l: &Loop,
    grid: i64,
) -> (i64, String, String) {
    let c = intake::take_in(
        &l.db,
        &l.gridder,
        NewCase {
            idempotency_key: s("k-1"),
            channel: s("grid_worker"),
            ..report("楼道堆放垃圾", 119.005, 25.405)
        },
    )
    .await
    .unwrap();
    assert_eq!((c.status.code(), c.routed.code()), ("registered", "grid"));
    assert_eq!(c.grid_id, Some(grid));
    assert!(c.street_org_id.is_some());
    assert_eq!(c.category_top.as_deref(), Some("environment"));
    let again = intake::take_in(
        &l.db,
        &l.gridder,
        NewCase {
            idempotency_key: s("k-1"),
            channel: s("grid_worker"),
            ..report("楼道堆放垃圾", 119.005, 25.405)
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(again, OpsError::Conflict(_)));
    assert!(
        again.to_string().contains(&c.code),
        "names the first case: {again}"
    );
    let e = intake::take_in(
        &l.db,
        &l.gridder,
        NewCase {
            category: s("ufo"),
            channel: s("grid_worker"),
            ..report("不明物体", 119.005, 25.405)
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "category");
    assert_eq!(count(&l.db, "SELECT COUNT(*) FROM cases").await, 1);
    let secret = c.rating_secret.expect("the receipt's rating secret");
    (c.id, c.code, secret)
}

/// Outside every grid and with no community: the manual queue, registered by hand later by
/// whoever writes at the top, who must name the community. Returns the case's id.
async fn outside_every_grid_it_waits_in_the_manual_queue(l: &Loop) -> i64 {
    let lost = intake::take_in(&l.db, &l.a, report("路灯不亮", 118.0, 24.0))
        .await
        .unwrap();
    assert_eq!(
        (
            lost.status.code(),
            lost.routed.code(),
            lost.org_path.as_str()
        ),
        ("received", "manual", "/")
    );
    let e = moves::apply(&l.db, &l.street, lost.id, mv("register"))
        .await
        .unwrap_err();
    assert!(
        matches!(e, OpsError::NotFound { .. }),
        "the queue is the top's, and answers as missing below it: {e}"
    );
    let e = moves::apply(&l.db, &l.a, lost.id, mv("register"))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "community");
    let placed = moves::apply(
        &l.db,
        &l.a,
        lost.id,
        Move {
            community: s("C2"),
            category: s("streetlight"),
            ..mv("register")
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (placed.status.code(), placed.routed.code()),
        ("registered", "address")
    );
    lost.id
}

/// Nothing to verify before dispatch. The street blows the whistle: 城管 leads, 水务 is
/// summoned too; each reports once, an unsummoned department cannot, and only the lead
/// accepts. Returns the deadline dispatch set.
async fn the_street_whistles_and_each_summoned_department_reports(
    l: &Loop,
    case: i64,
) -> DateTime<Utc> {
    let e = moves::apply(&l.db, &l.gridder, case, mv("verify"))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "action");
    let d = moves::apply(
        &l.db,
        &l.street,
        case,
        Move {
            departments: vec!["cgj".into(), "swj".into()],
            ..mv("dispatch")
        },
    )
    .await
    .unwrap();
    assert_eq!(d.status.code(), "dispatched");
    let due = d.due_at.unwrap();
    assert!(due > d.dispatched_at.unwrap());
    let e = moves::apply(&l.db, &l.gdj, case, mv("report"))
        .await
        .unwrap_err();
    assert!(matches!(e, OpsError::Conflict(_)), "not summoned: {e}");
    moves::apply(&l.db, &l.swj, case, mv("report"))
        .await
        .unwrap();
    moves::apply(&l.db, &l.cgj, case, mv("report"))
        .await
        .unwrap();
    assert!(
        moves::apply(&l.db, &l.cgj, case, mv("report"))
            .await
            .is_err(),
        "once"
    );
    let shown = views::show(&l.db, &l.swj, case, false).await.unwrap();
    assert!(shown.summons.iter().all(|x| x.reported_at.is_some()));
    let e = moves::apply(&l.db, &l.swj, case, mv("accept"))
        .await
        .unwrap_err();
    assert!(
        matches!(e, OpsError::Forbidden(_)),
        "only the lead handles: {e}"
    );
    moves::apply(&l.db, &l.cgj, case, mv("accept"))
        .await
        .unwrap();
    due
}

/// One extension, with a reason, approved by the street; the deadline moves out, and a
/// second request is over the limit.
async fn one_extension_with_a_reason(l: &Loop, case: i64, due: DateTime<Utc>) {
    let e = moves::apply(&l.db, &l.cgj, case, mv("request_extension"))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "note");
    moves::apply(
        &l.db,
        &l.cgj,
        case,
        noted("request_extension", "需协调物业清运"),
    )
    .await
    .unwrap();
    let ext = moves::apply(&l.db, &l.street, case, mv("approve_extension"))
        .await
        .unwrap();
    assert_eq!(ext.extensions, 1);
    assert!(ext.due_at.unwrap() > due, "the deadline moves out");
    let e = moves::apply(&l.db, &l.cgj, case, noted("request_extension", "再延"))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("上限"), "{e}");
}

/// Feedback, a failed check (rework), feedback again, closed, rated by the reporter with the
/// receipt's secret (a wrong one is named); the tracking view lists every step.
async fn feedback_rework_closing_and_the_reporters_rating(
    l: &Loop,
    case: i64,
    code: &str,
    secret: &str,
) {
    moves::apply(&l.db, &l.cgj, case, noted("feedback", "已清运"))
        .await
        .unwrap();
    let back = moves::apply(&l.db, &l.gridder, case, noted("rework", "仍有垃圾"))
        .await
        .unwrap();
    assert_eq!((back.status.code(), back.reworks), ("handling", 1));
    moves::apply(&l.db, &l.cgj, case, noted("feedback", "已全部清运"))
        .await
        .unwrap();
    let closed = moves::apply(&l.db, &l.gridder, case, mv("verify"))
        .await
        .unwrap();
    assert_eq!(closed.status.code(), "closed");
    let wrong = if secret == "000000" {
        "000001"
    } else {
        "000000"
    };
    let e = moves::rate_as_reporter(&l.db, code, wrong, "satisfied", "test")
        .await
        .unwrap_err();
    assert_eq!(field(&e), "secret");
    let rated = moves::rate_as_reporter(&l.db, code, secret, "satisfied", "test")
        .await
        .unwrap();
    assert_eq!(rated.satisfaction.map(|x| x.code()), Some("satisfied"));
    let tracked = views::track(&l.db, code, "test").await.unwrap();
    let actions: Vec<&str> = tracked.steps.iter().map(|s| s.action.code()).collect();
    assert_eq!(
        actions,
        [
            "intake",
            "register",
            "dispatch",
            "report",
            "report",
            "accept",
            "request_extension",
            "approve_extension",
            "feedback",
            "rework",
            "feedback",
            "verify",
            "follow_up"
        ]
    );
}

/// Side paths on the second case: returned by the department, suspended, resumed, and put
/// under yellow supervision.
async fn the_side_paths_return_suspend_resume_and_supervise(l: &Loop, lost: i64) {
    moves::apply(
        &l.db,
        &l.a,
        lost,
        Move {
            departments: vec!["gdj".into()],
            ..mv("dispatch")
        },
    )
    .await
    .unwrap();
    let returned = moves::apply(&l.db, &l.gdj, lost, noted("return", "非本部门职责"))
        .await
        .unwrap();
    assert_eq!(
        (
            returned.status.code(),
            returned.returns,
            returned.department_id
        ),
        ("registered", 1, None)
    );
    let parked = moves::apply(&l.db, &l.a, lost, mv("suspend"))
        .await
        .unwrap();
    assert_eq!(parked.status.code(), "suspended");
    assert_eq!(
        moves::apply(&l.db, &l.a, lost, mv("resume"))
            .await
            .unwrap()
            .status
            .code(),
        "registered"
    );
    let yellow = moves::apply(
        &l.db,
        &l.a,
        lost,
        Move {
            level: s("yellow"),
            ..mv("supervise")
        },
    )
    .await
    .unwrap();
    assert_eq!(yellow.supervision.map(|x| x.code()), Some("yellow"));
}

/// The rates come from the counts kept on each move, for the whole and by department, and
/// the street sees both cases.
async fn the_rates_come_from_the_counts_kept_on_each_move(l: &Loop) {
    let r = rates::rates(
        &l.db,
        &l.a,
        RatesQuery {
            by: s("department"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(r.total.counts.received, 2);
    assert_eq!(r.total.counts.dispatched, 2);
    assert_eq!(r.total.counts.closed, 1);
    assert_eq!(r.total.resolution_rate, Some(0.5));
    assert_eq!(r.total.satisfaction_rate, Some(1.0));
    assert_eq!(r.total.rework_rate, Some(1.0));
    assert_eq!(r.total.return_rate, Some(0.5));
    assert_eq!(r.total.on_time_rate, Some(1.0));
    let line = |name: &str| r.lines.iter().find(|l| l.label == name).unwrap();
    let cg = line("城市管理局");
    assert_eq!((cg.counts.closed, cg.counts.responded_on_time), (1, 1));
    // The whistled case counts for its lead and for the other department summoned, with how
    // it ended; the case handed back counts for no department, only its return does.
    assert_eq!((cg.counts.received, cg.resolution_rate), (1, Some(1.0)));
    let sw = line("水务集团");
    assert_eq!(
        (sw.counts.received, sw.counts.closed, sw.counts.satisfied),
        (1, 1, 1)
    );
    assert_eq!((sw.counts.dispatched, sw.counts.responded_on_time), (0, 0));
    let gd = line("供电公司");
    assert_eq!(
        (gd.counts.received, gd.counts.dispatched, gd.counts.returned),
        (0, 1, 1)
    );
    let own = line("社区、街道自办");
    assert_eq!(own.counts.received, 1, "the case handed back");
    let departments: i64 = r
        .lines
        .iter()
        .filter(|l| l.code.is_some())
        .map(|l| l.counts.received)
        .sum();
    assert_eq!(
        departments,
        1 + 1,
        "one case dispatched, one more department summoned"
    );
    assert_eq!(
        departments - 1 + own.counts.received,
        r.total.counts.received
    );
    let by_street = rates::rates(&l.db, &l.street, RatesQuery::default())
        .await
        .unwrap();
    assert_eq!(
        by_street.total.counts.received, 2,
        "both cases are in street S"
    );
}

fn all_of_inbox() -> views::InboxQuery {
    views::InboxQuery {
        tab: Some("all".into()),
        ..Default::default()
    }
}

/// The department's inbox holds what it leads or was summoned to; two intakes, eleven moves
/// on the first case and six on the second are audited, and refused moves wrote nothing.
async fn the_inbox_and_the_audit_trail_hold_every_move_made(l: &Loop) {
    let inbox = views::inbox(&l.db, &l.swj, all_of_inbox()).await.unwrap();
    assert_eq!(inbox.items.len(), 1);
    assert_eq!(
        count(
            &l.db,
            "SELECT COUNT(*) FROM audit_log WHERE operation LIKE 'case.%'"
        )
        .await,
        19
    );
}

#[both]
async fn patrols_are_logged_measured_and_turn_findings_into_cases(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let square = json!({ "type": "Polygon", "coordinates": [[[119.0, 25.4], [119.01, 25.4], [119.01, 25.41], [119.0, 25.41], [119.0, 25.4]]] });
    let grid = grids::add(
        &t.db,
        &a,
        NewGridInput {
            community: s("C"),
            number: Some(1),
            geometry: Some(square),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let worker = account(&t.db, "grid1", "grid_worker", "B1", None).await;
    let now = jiceng_domain::clock::local(jiceng_domain::clock::now());
    let at = |mins_ago: i64| {
        (now - chrono::Duration::minutes(mins_ago))
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    let walk = |from: i64, to: i64| patrols::NewPatrolInput {
        grid: s(&grid.code),
        started_at: Some(at(from)),
        ended_at: Some(at(to)),
        visits: Some(6),
        findings: s("3 号楼楼道堆放杂物"),
        track: Some(json!([[119.001, 25.401], [119.002, 25.402]])),
    };
    // Starting and ending in the same calendar day keeps the test on one day near midnight.
    let p = patrols::record(&t.db, &worker, walk(40, 10)).await.unwrap();
    assert_eq!(p.minutes, 30);
    let e = patrols::record(&t.db, &worker, walk(10, 40))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "ended_at");
    let e = patrols::record(
        &t.db,
        &worker,
        patrols::NewPatrolInput {
            grid: s("350302001001999"),
            ..walk(40, 10)
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "grid");
    let day = patrols::my_day(&t.db, &worker).await.unwrap();
    assert_eq!(day.target_minutes, 120);
    assert_eq!(day.patrols.len(), 1);
    if day.minutes > 0 {
        assert_eq!((day.minutes, day.visits), (30, 6));
        assert_eq!(day.progress, 0.25);
    }
    // The finding becomes a case in the patrol's grid, registered at once.
    let c = patrols::to_case(
        &t.db,
        &worker,
        p.id,
        patrols::FindingCase {
            category: s("hazard"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (c.channel.code(), c.status.code()),
        ("grid_worker", "registered")
    );
    assert_eq!(c.grid_id, Some(grid.id));
    assert_eq!(c.title, "3 号楼楼道堆放杂物");
    let after = patrols::my_day(&t.db, &worker).await.unwrap();
    assert_eq!(after.patrols[0].cases, 1);
    // The worker's phone lists it as open in their grids, then as theirs to verify.
    let mine = patrols::my_cases(&t.db, &worker).await.unwrap();
    assert_eq!(
        mine.open.iter().map(|v| v.row.id).collect::<Vec<_>>(),
        vec![c.id]
    );
    assert!(mine.verifying.is_empty());
    departments::add(&t.db, &a, "cgj", "城市管理局")
        .await
        .unwrap();
    moves::apply(
        &t.db,
        &a,
        c.id,
        Move {
            departments: vec!["cgj".into()],
            ..mv("dispatch")
        },
    )
    .await
    .unwrap();
    let handler = account(&t.db, "cgj1", "department_handler", "D", Some("cgj")).await;
    moves::apply(&t.db, &handler, c.id, mv("accept"))
        .await
        .unwrap();
    moves::apply(&t.db, &handler, c.id, noted("feedback", "已清理"))
        .await
        .unwrap();
    let mine = patrols::my_cases(&t.db, &worker).await.unwrap();
    assert_eq!(
        mine.verifying.iter().map(|v| v.row.id).collect::<Vec<_>>(),
        vec![c.id]
    );
    assert!(mine.open.is_empty());
    let out = account(&t.db, "grid2", "grid_worker", "B2", None).await;
    let e = patrols::record(&t.db, &out, walk(40, 10)).await;
    assert!(e.is_ok(), "B2 is in the same community as the grid");
    // Three more starting the same minute: the supervisor's list pages newest first by keyset,
    // ties broken by id, each patrol once.
    let mut logged = vec![p.id, e.unwrap().id];
    for _ in 0..3 {
        logged.push(patrols::record(&t.db, &out, walk(40, 10)).await.unwrap().id);
    }
    let walk_pages = |actor: jiceng_ops::Actor| {
        let db = t.db.clone();
        async move {
            let mut seen = Vec::new();
            let mut after = None;
            loop {
                let q = patrols::ScopePatrols {
                    days: Some(7),
                    after: after.clone(),
                    limit: Some(2),
                };
                let page = patrols::within(&db, &actor, q).await.unwrap();
                seen.extend(page.items.iter().map(|p| p.id));
                match page.next {
                    Some(n) => after = Some(n),
                    None => return seen,
                }
            }
        }
    };
    logged.sort_unstable_by(|a, b| b.cmp(a));
    let street = account(&t.db, "viewer", "street_admin", "S", None).await;
    assert_eq!(
        walk_pages(street).await,
        logged,
        "all five, newest and then highest id first"
    );
    let community = account(&t.db, "cviewer", "community_secretary", "C", None).await;
    assert_eq!(walk_pages(community).await, logged);
    let other = account(&t.db, "c2viewer", "community_secretary", "C2", None).await;
    assert!(
        walk_pages(other).await.is_empty(),
        "another community's grids only"
    );
    let bad = patrols::ScopePatrols {
        after: s("昨天"),
        ..Default::default()
    };
    let viewer = account(&t.db, "viewer2", "street_admin", "S", None).await;
    let e = patrols::within(&t.db, &viewer, bad).await.unwrap_err();
    assert_eq!(field(&e), "after");
}

#[both]
async fn overdue_cases_are_escalated_yellow_then_red(on: Backend) {
    use jiceng_ops::cases::escalation;
    let t = city(on).await;
    let a = actor();
    departments::add(&t.db, &a, "cgj", "城市管理局")
        .await
        .unwrap();
    let c = intake::take_in(
        &t.db,
        &a,
        NewCase {
            channel: s("hotline"),
            category: s("garbage"),
            title: s("垃圾满溢"),
            community: s("C"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    moves::apply(
        &t.db,
        &a,
        c.id,
        Move {
            departments: vec!["cgj".into()],
            ..mv("dispatch")
        },
    )
    .await
    .unwrap();
    let now = chrono::Utc::now();
    assert_eq!(escalation::run(&t.db, now).await.unwrap(), 0, "not due yet");
    // Move the clock on: eight days allowed, two days late.
    let set = |dispatched_days: i64, due_days: i64| {
        let db = t.db.clone();
        async move {
            let mut tx = db.write().await.unwrap();
            let mut row = jiceng_store::cases::by_id(&mut tx, c.id)
                .await
                .unwrap()
                .unwrap();
            row.dispatched_at = Some(now - chrono::Duration::days(dispatched_days));
            row.due_at = Some(now - chrono::Duration::days(due_days));
            jiceng_store::cases::save(&mut tx, &row).await.unwrap();
            tx.commit().await.unwrap();
        }
    };
    set(10, 2).await;
    // A deployment that allows three days' grace escalates nothing yet.
    let mut rules = jiceng_ops::cases::settings::classification(&t.db)
        .await
        .unwrap();
    rules.escalation.yellow_after_minutes = 3 * 24 * 60;
    jiceng_ops::cases::settings::set_classification(&t.db, &a, rules.clone())
        .await
        .unwrap();
    assert_eq!(
        escalation::run(&t.db, now).await.unwrap(),
        0,
        "in the grace"
    );
    rules.escalation.red_after_share = -1.0;
    let e = jiceng_ops::cases::settings::set_classification(&t.db, &a, rules.clone())
        .await
        .unwrap_err();
    assert_eq!(field(&e), "red_after_share");
    rules.escalation = Default::default();
    jiceng_ops::cases::settings::set_classification(&t.db, &a, rules)
        .await
        .unwrap();
    assert_eq!(escalation::run(&t.db, now).await.unwrap(), 1);
    let shown = views::show(&t.db, &a, c.id, false).await.unwrap();
    assert_eq!(shown.case.row.supervision.map(|x| x.code()), Some("yellow"));
    let last = shown.steps.last().unwrap();
    assert_eq!(
        (last.action.code(), last.actor.as_str()),
        ("supervise", "system:escalation")
    );
    assert_eq!(
        escalation::run(&t.db, now).await.unwrap(),
        0,
        "already yellow"
    );
    // One day allowed, nine days late: red.
    set(10, 9).await;
    assert_eq!(escalation::run(&t.db, now).await.unwrap(), 1);
    let shown = views::show(&t.db, &a, c.id, false).await.unwrap();
    assert_eq!(shown.case.row.supervision.map(|x| x.code()), Some("red"));
    assert_eq!(escalation::run(&t.db, now).await.unwrap(), 0);
}

#[both]
async fn a_grid_has_a_team_with_one_leader(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let square = json!({ "type": "Polygon", "coordinates": [[[119.0, 25.4], [119.01, 25.4], [119.01, 25.41], [119.0, 25.41]]] });
    let grid = grids::add(
        &t.db,
        &a,
        NewGridInput {
            community: s("C"),
            number: Some(2),
            geometry: Some(square),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let member = |role: &str, name: &str| grids::NewTeamMember {
        grid: s(&grid.code),
        role: s(role),
        name: s(name),
        phone: s("13912345678"),
        member_id: None,
    };
    let leader = grids::add_team_member(&t.db, &a, member("网格长", "林网格"))
        .await
        .unwrap();
    assert_eq!(leader.role.code(), "leader");
    let e = grids::add_team_member(&t.db, &a, member("leader", "陈第二"))
        .await
        .unwrap_err();
    assert!(matches!(e, OpsError::Conflict(_)), "one leader: {e}");
    let e = grids::add_team_member(&t.db, &a, member("boss", "王"))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "role");
    grids::add_team_member(&t.db, &a, member("volunteer", "志愿者甲"))
        .await
        .unwrap();
    let outsider = account(&t.db, "other", "community_secretary", "C2", None).await;
    let e = grids::add_team_member(&t.db, &outsider, member("volunteer", "乙"))
        .await
        .unwrap_err();
    assert_eq!(
        field(&e),
        "grid",
        "a grid elsewhere answers as missing: {e}"
    );
    assert_eq!(grids::teams(&t.db, &a, Some("C")).await.unwrap().len(), 2);
    grids::remove_team_member(&t.db, &a, leader.id)
        .await
        .unwrap();
    grids::add_team_member(&t.db, &a, member("leader", "陈第二"))
        .await
        .unwrap();
    assert_eq!(grids::teams(&t.db, &a, Some("C")).await.unwrap().len(), 2);
}

#[both]
async fn places_are_mapped_into_the_grid_that_holds_them_and_keep_its_totals(on: Backend) {
    use jiceng_ops::grids::places::{self, NewPlaceInput};
    use jiceng_ops::units::{self, NewUnit};
    let t = city(on).await;
    let a = actor();
    let square = json!({ "type": "Polygon", "coordinates": [[[119.0, 25.4], [119.01, 25.4], [119.01, 25.41], [119.0, 25.41]]] });
    let grid = grids::add(
        &t.db,
        &a,
        NewGridInput {
            community: s("C"),
            number: Some(3),
            geometry: Some(square),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let building = |name: &str, lon: f64, households: i64| NewPlaceInput {
        kind: s("building"),
        name: s(name),
        lon: Some(lon),
        lat: Some(25.405),
        households: Some(households),
        ..Default::default()
    };
    let b1 = places::add(&t.db, &a, building("1号楼", 119.002, 24))
        .await
        .unwrap();
    assert_eq!(b1.grid_code, grid.code);
    places::add(&t.db, &a, building("2号楼", 119.008, 36))
        .await
        .unwrap();
    let totals = |gs: Vec<grids::Grid>| {
        let g = gs.into_iter().find(|g| g.id == grid.id).unwrap();
        (g.buildings, g.households)
    };
    assert_eq!(
        totals(grids::within(&t.db, &a, Some("C")).await.unwrap()),
        (2, 60)
    );

    // Outside every grid, a negative count, an unknown kind: refused by name, nothing written.
    let e = places::add(&t.db, &a, building("3号楼", 119.5, 10))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "location");
    let e = places::add(&t.db, &a, building("3号楼", 119.005, -1))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "households");
    let e = places::add(
        &t.db,
        &a,
        NewPlaceInput {
            kind: s("tower"),
            ..building("3号楼", 119.005, 1)
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "place_kind");

    // A unit of the community is mapped once; one of another community is refused.
    let unit = |name: &str, div: &str| NewUnit {
        name: s(name),
        category: s("机关"),
        division_code: s(div),
        ..Default::default()
    };
    let ours = units::add(&t.db, &a, unit("城市管理局", COMMUNITY_DIV))
        .await
        .unwrap();
    let theirs = units::add(&t.db, &a, unit("邻社区超市", OTHER_COMMUNITY_DIV))
        .await
        .unwrap();
    let at_unit = |id: i64| NewPlaceInput {
        kind: s("unit"),
        unit_id: Some(id),
        lon: Some(119.005),
        lat: Some(25.402),
        ..Default::default()
    };
    let placed = places::add(&t.db, &a, at_unit(ours.row.id)).await.unwrap();
    assert_eq!(placed.name, "城市管理局");
    let e = places::add(&t.db, &a, at_unit(ours.row.id))
        .await
        .unwrap_err();
    assert!(matches!(e, OpsError::Conflict(_)), "{e}");
    let e = places::add(&t.db, &a, at_unit(theirs.row.id))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "unit");
    let shown = units::show(&t.db, &a, ours.row.id).await.unwrap();
    assert_eq!(shown.place.map(|p| p.grid_code), Some(grid.code.clone()));

    // Units don't count as buildings; removing a building takes it out of the totals.
    assert_eq!(places::within(&t.db, &a, Some("C")).await.unwrap().len(), 3);
    let outsider = account(&t.db, "other", "community_secretary", "C2", None).await;
    let e = places::remove(&t.db, &outsider, b1.id).await.unwrap_err();
    assert!(matches!(e, OpsError::NotFound { .. }), "{e}");
    places::remove(&t.db, &a, b1.id).await.unwrap();
    assert_eq!(
        totals(grids::within(&t.db, &a, Some("C")).await.unwrap()),
        (1, 36)
    );
}

/// A grid worker's cases come in as 网格员上报: named by default, and another channel is
/// refused by name; the desk names any channel.
#[both]
async fn a_grid_worker_s_cases_come_in_by_their_channel(on: Backend) {
    let t = city(on).await;
    let grid = account(&t.db, "grid1", "grid_worker", "C", None).await;
    let by_hand = |channel: Option<&str>| NewCase {
        channel: channel.map(str::to_string),
        community: s("C"),
        ..report("楼道堆放杂物", 0.0, 0.0)
    };
    let no_point = |mut c: NewCase| {
        c.lon = None;
        c.lat = None;
        c
    };
    let c = intake::take_in(&t.db, &grid, no_point(by_hand(None)))
        .await
        .unwrap();
    assert_eq!(c.channel.code(), "grid_worker");
    let e = intake::take_in(&t.db, &grid, no_point(by_hand(Some("hotline"))))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "channel", "{e}");
    let c = intake::take_in(&t.db, &actor(), no_point(by_hand(None)))
        .await
        .unwrap();
    assert_eq!(c.channel.code(), "hotline", "the desk's default");
}

/// The categories a phone's form offers first are the ones most used: the kept uses equal a
/// recount over the cases after intakes and a registration.
#[both]
async fn the_most_used_categories_are_kept_as_cases_come_in(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let taken = |category: Option<&str>| NewCase {
        category: category.map(str::to_string),
        community: s("C"),
        ..report("井盖缺失", 0.0, 0.0)
    };
    let no_point = |mut c: NewCase| {
        c.lon = None;
        c.lat = None;
        c
    };
    for c in [
        "water",
        "garbage",
        "water",
        "water",
        "garbage",
        "streetlight",
    ] {
        intake::take_in(&t.db, &a, no_point(taken(Some(c))))
            .await
            .unwrap();
    }
    let waiting = intake::take_in(&t.db, &a, no_point(taken(None)))
        .await
        .unwrap();
    moves::apply(
        &t.db,
        &a,
        waiting.id,
        Move {
            category: s("streetlight"),
            ..mv("register")
        },
    )
    .await
    .unwrap();
    // A case that came in as water with no place (so not registered) is registered as
    // garbage: it counts once, under garbage.
    let unplaced = NewCase {
        community: None,
        ..no_point(taken(Some("water")))
    };
    let moved = intake::take_in(&t.db, &a, unplaced).await.unwrap();
    assert_eq!(moved.status.code(), "received");
    moves::apply(
        &t.db,
        &a,
        moved.id,
        Move {
            category: s("garbage"),
            community: s("C"),
            ..mv("register")
        },
    )
    .await
    .unwrap();
    let kept = jiceng_ops::cases::settings::most_used_categories(&t.db, 6)
        .await
        .unwrap();
    assert_eq!(kept, ["garbage", "water", "streetlight"]);
    let mut recount: std::collections::BTreeMap<String, i64> = Default::default();
    for c in views::list(&t.db, &a, Default::default())
        .await
        .unwrap()
        .items
    {
        *recount.entry(c.row.category.unwrap()).or_default() += 1;
    }
    let mut by_count: Vec<(i64, String)> = recount.into_iter().map(|(k, n)| (-n, k)).collect();
    by_count.sort();
    assert_eq!(
        kept,
        by_count.into_iter().map(|(_, k)| k).collect::<Vec<_>>()
    );
}

/// Coordinates from Chinese web maps (GCJ-02) are kept in WGS-84: a grid drawn on such a map,
/// and a case reported with such a point, meet where the phone would have put them.
#[both]
async fn gcj02_coordinates_are_converted_to_wgs84_on_the_way_in(on: Backend) {
    use jiceng_domain::datum::wgs84_to_gcj02;
    let t = city(on).await;
    let a = actor();
    // The square in WGS-84, sent as a web map would give it.
    let wgs = [
        (119.0, 25.4),
        (119.01, 25.4),
        (119.01, 25.41),
        (119.0, 25.41),
        (119.0, 25.4),
    ];
    let gcj: Vec<[f64; 2]> = wgs
        .iter()
        .map(|&p| {
            let (x, y) = wgs84_to_gcj02(p);
            [x, y]
        })
        .collect();
    let grid = grids::add(
        &t.db,
        &a,
        NewGridInput {
            community: s("C"),
            number: Some(1),
            branch: s("B1"),
            geometry: Some(json!({ "type": "Polygon", "coordinates": [gcj] })),
            crs: s("gcj02"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let kept: serde_json::Value = serde_json::from_str(&grid.geometry).unwrap();
    for (k, w) in kept["coordinates"][0].as_array().unwrap().iter().zip(wgs) {
        let (x, y) = (k[0].as_f64().unwrap(), k[1].as_f64().unwrap());
        assert!(
            (x - w.0).abs() < 1e-7 && (y - w.1).abs() < 1e-7,
            "{k} vs {w:?}"
        );
    }
    // A point just inside the square's edge in WGS-84: its GCJ-02 image lies ~500 m east,
    // outside the square, so only a converted point finds the grid.
    let inside = (119.0098, 25.405);
    let (gx, gy) = wgs84_to_gcj02(inside);
    assert!(gx > 119.01, "the shift carries it out of the square");
    let case = intake::take_in(
        &t.db,
        &a,
        NewCase {
            lon: Some(gx),
            lat: Some(gy),
            crs: s("gcj02"),
            ..report("井盖缺失", 0.0, 0.0)
        },
    )
    .await
    .unwrap();
    assert_eq!(case.grid_id, Some(grid.id));
    assert!((case.lon.unwrap() - inside.0).abs() < 1e-7);
    let e = intake::take_in(
        &t.db,
        &a,
        NewCase {
            crs: s("bd09"),
            ..report("井盖缺失", inside.0, inside.1)
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "crs", "{e}");
}

/// The small map of the case form: the grids around a point that the actor reads or works
/// (as `grids::policy::named` resolves a grid); another street's administrator sees none.
#[both]
async fn the_grids_near_a_point_are_those_the_actor_reaches(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let square = |x: f64| json!({ "type": "Polygon", "coordinates": [[[x, 25.4], [x + 0.005, 25.4], [x + 0.005, 25.405], [x, 25.405], [x, 25.4]]] });
    for (n, branch, x) in [(1, "B1", 119.0), (2, "B2", 119.006)] {
        grids::add(
            &t.db,
            &a,
            NewGridInput {
                community: s("C"),
                number: Some(n),
                branch: s(branch),
                geometry: Some(square(x)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    jiceng_ops::orgs::add(&t.db, &a, new_org("S2", "street", Some("D"), "350302002"))
        .await
        .unwrap();
    let gridder = account(&t.db, "grid1", "grid_worker", "B1", None).await;
    let street = account(&t.db, "street", "street_admin", "S", None).await;
    let elsewhere = account(&t.db, "street2", "street_admin", "S2", None).await;
    let codes = |g: Vec<jiceng_ops::grids::Grid>| g.into_iter().map(|g| g.code).collect::<Vec<_>>();
    let (x, y) = (119.004, 25.402);
    let all = codes(grids::near(&t.db, &street, x, y).await.unwrap());
    assert_eq!(all.len(), 2, "{all:?}");
    // A grid worker works the grids of their branch's community.
    assert_eq!(
        codes(grids::near(&t.db, &gridder, x, y).await.unwrap()),
        all
    );
    assert!(
        grids::near(&t.db, &elsewhere, x, y)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        codes(grids::near(&t.db, &street, 119.5, 25.9).await.unwrap()).is_empty(),
        "far away"
    );
    let e = grids::near(&t.db, &street, 190.0, 25.4).await.unwrap_err();
    assert_eq!(field(&e), "location");
}
