//! Volunteer activities on SQLite or PostgreSQL: sign-up with a waiting line and offers passed
//! on, the cancelling window, QR check-in and check-out, hours confirmed into service records
//! (a member's reaching their points, a resident's not), no-shows pausing sign-up, scope, and
//! a thousand signing up at once for a hundred places.

use crate::common::*;
use chrono::{DateTime, Datelike, Duration, Utc};
use jiceng_domain::activities::{Scan, SignupState, token};
use jiceng_domain::clock;
use jiceng_ops::activities::attendance::{self, AttendanceInput, ScanInput};
use jiceng_ops::activities::signup::{self, SignupInput};
use jiceng_ops::activities::{self, NewActivityInput, RoleInput};
use jiceng_ops::residents::{self, ReviewInput};
use jiceng_ops::volunteers::certificate::{self, CertificateQuery};
use jiceng_ops::{Actor, OpsError, accounts, members, points};
use jiceng_store::{Backend, Db};
use jiceng_testkit::both;

fn local(t: DateTime<Utc>) -> String {
    clock::local(t).format("%Y-%m-%d %H:%M").to_string()
}

/// An activity of community C starting `start` from now, lasting three hours.
fn activity(title: &str, start: Duration, places: i64) -> NewActivityInput {
    let starts = clock::now() + start;
    NewActivityInput {
        title: s(title),
        community: s("C"),
        place: s("社区广场"),
        starts_at: Some(local(starts)),
        ends_at: Some(local(starts + Duration::hours(3))),
        roles: vec![RoleInput {
            name: s("引导员"),
            places: Some(places),
        }],
        ..Default::default()
    }
}

async fn member_account(db: &Db, name: &str, seq: u32) -> (Actor, i64) {
    let m = members::add(db, &actor(), new_member(name, seq, "B1"))
        .await
        .unwrap()
        .id;
    accounts::create(
        db,
        &actor(),
        accounts::NewUser {
            username: s(name),
            password: s(PW),
            role: s("member"),
            member_id: Some(m),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let session = accounts::login(db, name, PW, "test").await.unwrap();
    (
        accounts::session_actor(db, &session.token).await.unwrap().0,
        m,
    )
}

async fn confirmed_resident(db: &Db, phone: &str, building: i64) -> Actor {
    let (r, view) = resident(db, phone, "居民志愿者", "C", Some(building)).await;
    residents::review(
        db,
        &actor(),
        view.id,
        ReviewInput {
            decision: s("confirm"),
            reason: None,
        },
    )
    .await
    .unwrap();
    r
}

fn state(d: &activities::ActivityDetail) -> Option<SignupState> {
    d.mine.as_ref().map(|m| m.state)
}

/// The roles' kept counts against a count over the sign-ups.
async fn counts_add_up(db: &Db, activity: i64) {
    let kept = count(
        db,
        &format!("SELECT CAST(SUM(taken) * 100000 + SUM(waiting) AS BIGINT) FROM activity_roles WHERE activity_id = {activity}"),
    )
    .await;
    let held = count(
        db,
        &format!("SELECT COUNT(*) FROM signups WHERE activity_id = {activity} AND state IN ('confirmed', 'offered')"),
    )
    .await;
    let waiting = count(
        db,
        &format!(
            "SELECT COUNT(*) FROM signups WHERE activity_id = {activity} AND state = 'waiting'"
        ),
    )
    .await;
    assert_eq!(kept, held * 100000 + waiting, "kept counts vs the sign-ups");
}

#[both]
async fn a_full_role_puts_people_in_line_and_a_freed_place_is_offered_in_turn(on: Backend) {
    let t = city(on).await;
    let (b1, _) = buildings(&t.db).await;
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    let a = activities::publish(&t.db, &worker, activity("敬老院探访", Duration::days(3), 1))
        .await
        .unwrap()
        .activity;
    let (first, _) = member_account(&t.db, "first_m", 21).await;
    let (second, _) = member_account(&t.db, "second_m", 22).await;
    let third = confirmed_resident(&t.db, "13800000031", b1).await;
    let up = |who: &Actor| {
        let who = who.clone();
        let db = t.db.clone();
        async move { signup::sign_up(&db, &who, a.id, SignupInput::default()).await }
    };
    assert_eq!(
        state(&up(&first).await.unwrap()),
        Some(SignupState::Confirmed)
    );
    let waits = up(&second).await.unwrap();
    assert_eq!(state(&waits), Some(SignupState::Waiting));
    assert_eq!(waits.mine.as_ref().unwrap().line, Some(1));
    let r = up(&third).await.unwrap();
    assert_eq!(
        (state(&r), r.mine.as_ref().unwrap().line),
        (Some(SignupState::Waiting), Some(2))
    );
    // A second sign-up is refused, naming the activity; nothing changes.
    let e = up(&first).await.unwrap_err();
    assert_eq!(field(&e), "activity_id", "{e}");
    counts_add_up(&t.db, a.id).await;

    // The first cancels: the second is offered the place, to confirm within a day.
    let start = clock::now();
    signup::cancel(&t.db, &first, a.id).await.unwrap();
    let offered = activities::show(&t.db, &second, a.id).await.unwrap();
    let mine = offered.mine.unwrap();
    assert_eq!(mine.state, SignupState::Offered);
    let until = mine.offer_until.unwrap();
    assert!(until > start + Duration::hours(23) && until <= start + Duration::hours(25));
    assert_eq!(
        activities::show(&t.db, &third, a.id)
            .await
            .unwrap()
            .mine
            .unwrap()
            .line,
        Some(1)
    );
    counts_add_up(&t.db, a.id).await;
    {
        // The offer lapses unanswered: the sweep passes the place to the resident.
        let _t = clock::fix(until + Duration::minutes(1));
        let e = signup::accept(&t.db, &second, a.id).await.unwrap_err();
        assert_eq!(field(&e), "signup_state", "{e}");
        assert_eq!(
            signup::sweep(&t.db, clock::now()).await.unwrap(),
            1,
            "one offer lapsed"
        );
        assert_eq!(signup::sweep(&t.db, clock::now()).await.unwrap(), 0);
        assert_eq!(
            state(&activities::show(&t.db, &second, a.id).await.unwrap()),
            Some(SignupState::Lapsed)
        );
        let r = signup::accept(&t.db, &third, a.id).await.unwrap();
        assert_eq!(state(&r), Some(SignupState::Confirmed));
        assert_eq!((r.roles[0].taken, r.roles[0].waiting), (1, 0));
        counts_add_up(&t.db, a.id).await;
    }
    // Within two hours of the start a place can no longer be cancelled.
    let _t = clock::fix(a.starts_at - Duration::minutes(119));
    let e = signup::cancel(&t.db, &third, a.id).await.unwrap_err();
    assert_eq!(field(&e), "activity_id", "{e}");
    assert!(e.to_string().contains("不能再取消"), "{e}");
    assert_eq!(
        state(&activities::show(&t.db, &third, a.id).await.unwrap()),
        Some(SignupState::Confirmed)
    );
}

#[both]
async fn check_in_and_out_by_qr_give_hours_that_become_service_records(on: Backend) {
    let t = city(on).await;
    let (b1, _) = buildings(&t.db).await;
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    let a = activities::publish(&t.db, &worker, activity("河道清理", Duration::days(1), 5))
        .await
        .unwrap()
        .activity;
    let other = activities::publish(&t.db, &worker, activity("另一项", Duration::days(1), 5))
        .await
        .unwrap()
        .activity;
    let (member, member_id) = member_account(&t.db, "helper_m", 23).await;
    let resident = confirmed_resident(&t.db, "13800000032", b1).await;
    let (absent, _) = member_account(&t.db, "absent_m", 24).await;
    for who in [&member, &resident, &absent] {
        signup::sign_up(&t.db, who, a.id, SignupInput::default())
            .await
            .unwrap();
    }
    let _t = clock::fix(a.starts_at - Duration::minutes(10));
    let codes = attendance::codes(&t.db, &worker, a.id).await.unwrap();
    let other_codes = attendance::codes(&t.db, &worker, other.id).await.unwrap();
    assert!(matches!(
        attendance::codes(&t.db, &member, a.id).await,
        Err(OpsError::Forbidden(_))
    ));
    let scan = |who: &Actor, code: &str| {
        let (who, code, db) = (who.clone(), code.to_string(), t.db.clone());
        async move { attendance::scan(&db, &who, a.id, ScanInput { code: Some(code) }).await }
    };
    // Another activity's code, a forged one, check-out before check-in: each named.
    let e = scan(&member, &other_codes.check_in).await.unwrap_err();
    assert_eq!(field(&e), "scan_code", "{e}");
    let forged = token("guess", a.id, Scan::In, codes.expires_at.timestamp());
    assert_eq!(
        field(&scan(&member, &forged).await.unwrap_err()),
        "scan_code"
    );
    let e = scan(&member, &codes.check_out).await.unwrap_err();
    assert_eq!(field(&e), "checked_out_at", "{e}");
    scan(&member, &codes.check_in).await.unwrap();
    let e = scan(&member, &codes.check_in).await.unwrap_err();
    assert_eq!(field(&e), "scan_code", "checked in twice: {e}");
    {
        // Past its fifteen minutes the code no longer opens anything.
        let _t = clock::fix(a.starts_at + Duration::minutes(6));
        let e = scan(&resident, &codes.check_in).await.unwrap_err();
        assert_eq!(field(&e), "scan_code", "{e}");
    }
    // Confirming before the end is refused.
    let e = attendance::confirm(&t.db, &worker, a.id).await.unwrap_err();
    assert_eq!(field(&e), "activity_id", "{e}");
    let _t = clock::fix(a.starts_at + Duration::minutes(140));
    let out = attendance::codes(&t.db, &worker, a.id).await.unwrap();
    let mine = scan(&member, &out.check_out).await.unwrap().mine.unwrap();
    // Counted from the start (not the early check-in), down to half hours: 2 h 20 → 2 h.
    assert_eq!(mine.minutes, Some(120));
    // The resident has no phone at hand: the organiser writes the times; hours over the
    // activity's length are refused.
    let roster = activities::show(&t.db, &worker, a.id).await.unwrap().roster;
    let rid = roster.iter().find(|r| !r.member).map(|r| r.id).unwrap();
    let by_hand = |hours: Option<&str>| AttendanceInput {
        signup_id: Some(rid),
        checked_in_at: Some(local(a.starts_at)),
        checked_out_at: Some(local(a.starts_at + Duration::minutes(90))),
        hours: hours.map(str::to_string),
    };
    let e = attendance::record(&t.db, &worker, a.id, by_hand(Some("3.5")))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "hours", "{e}");
    let e = attendance::record(
        &t.db,
        &worker,
        a.id,
        AttendanceInput {
            checked_out_at: Some(local(a.starts_at - Duration::minutes(30))),
            ..by_hand(None)
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "checked_out_at", "{e}");
    attendance::record(&t.db, &worker, a.id, by_hand(None))
        .await
        .unwrap();
    let records = count(&t.db, "SELECT COUNT(*) FROM service_records").await;
    assert_eq!(records, 0, "nothing recorded before the organiser confirms");

    let _t = clock::fix(a.ends_at + Duration::minutes(5));
    let done = attendance::confirm(&t.db, &worker, a.id).await.unwrap();
    let by_who: Vec<(bool, Option<i64>, bool, bool)> = done
        .roster
        .iter()
        .map(|r| (r.member, r.minutes, r.no_show, r.service_id.is_some()))
        .collect();
    assert!(by_who.contains(&(true, Some(120), false, true)));
    assert!(by_who.contains(&(false, Some(90), false, true)));
    assert!(
        by_who.contains(&(true, None, true, false)),
        "the absent member is a no-show"
    );
    assert_eq!(
        ints(
            &t.db,
            "SELECT minutes FROM service_records WHERE member_id IS NULL"
        )
        .await,
        vec![90],
        "the resident's hours are a service record without a member"
    );
    assert_eq!(
        count(
            &t.db,
            &format!(
                "SELECT COUNT(*) FROM service_records WHERE activity_id = {}",
                a.id
            )
        )
        .await,
        2
    );
    // The member's two hours reach their points; confirming twice is refused.
    let year = clock::today().year().to_string();
    let ledger = points::ledger(&t.db, &actor(), member_id, "accrual", Some(&year))
        .await
        .unwrap();
    let item = ledger
        .items
        .iter()
        .find(|i| i.item == "service_hours")
        .unwrap();
    assert_eq!((item.raw, item.counted), (2, 2));
    assert_eq!(ledger.service.len(), 1);
    let e = attendance::confirm(&t.db, &worker, a.id).await.unwrap_err();
    assert_eq!(field(&e), "activity_id", "{e}");
    // The 双报到 ledger reads members' hours alone; a resident's are no member's.
    let at_c = jiceng_ops::service::at_community(&t.db, &worker, "C", clock::today().year())
        .await
        .unwrap();
    assert_eq!(at_c.get(&member_id), Some(&120));
    assert_eq!(at_c.values().sum::<i64>(), 120);
    // The certificate adds up the resident's service.
    let c = certificate::issue(&t.db, &resident, None, CertificateQuery::default())
        .await
        .unwrap();
    assert_eq!((c.records.len(), c.minutes), (1, 90));
}

#[both]
async fn three_no_shows_in_a_quarter_pause_sign_up(on: Backend) {
    let t = city(on).await;
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    let (member, _) = member_account(&t.db, "often_away", 25).await;
    // Three activities early in this quarter, each missed.
    let quarter = clock::start_of(jiceng_domain::activities::quarter_start(clock::today()));
    for n in 0..3 {
        let _t = clock::fix(quarter + Duration::hours(1 + n));
        let a = activities::publish(&t.db, &worker, activity("夜间巡逻", Duration::hours(2), 3))
            .await
            .unwrap()
            .activity;
        signup::sign_up(&t.db, &member, a.id, SignupInput::default())
            .await
            .unwrap();
        let _e = clock::fix(a.ends_at + Duration::minutes(1));
        attendance::confirm(&t.db, &worker, a.id).await.unwrap();
    }
    // Two days into the quarter sign-up is paused; a month after the last no-show it opens.
    {
        let _t = clock::fix(quarter + Duration::days(2));
        let next = activities::publish(&t.db, &worker, activity("再次巡逻", Duration::days(1), 3))
            .await
            .unwrap()
            .activity;
        let e = signup::sign_up(&t.db, &member, next.id, SignupInput::default())
            .await
            .unwrap_err();
        assert!(matches!(e, OpsError::Forbidden(_)), "{e}");
        assert!(e.to_string().contains("报名暂停"), "{e}");
        assert_eq!(
            count(
                &t.db,
                &format!(
                    "SELECT COUNT(*) FROM signups WHERE activity_id = {}",
                    next.id
                )
            )
            .await,
            0
        );
    }
    let _t = clock::fix(quarter + Duration::days(31));
    let later = activities::publish(&t.db, &worker, activity("月后巡逻", Duration::days(1), 3))
        .await
        .unwrap()
        .activity;
    signup::sign_up(&t.db, &member, later.id, SignupInput::default())
        .await
        .unwrap();
    assert_eq!(
        count(&t.db, "SELECT COUNT(*) FROM signups WHERE no_show").await,
        3
    );
}

#[both]
async fn activities_are_reached_only_where_the_actor_may(on: Backend) {
    let t = city(on).await;
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    let other = account(&t.db, "worker_c2", "community_worker", "C2", None).await;
    let a = activities::publish(&t.db, &worker, activity("宣传", Duration::days(2), 2))
        .await
        .unwrap()
        .activity;
    let e = activities::show(&t.db, &other, a.id).await.unwrap_err();
    assert!(matches!(e, OpsError::NotFound { .. }), "{e}");
    let e = attendance::confirm(&t.db, &other, a.id).await.unwrap_err();
    assert!(matches!(e, OpsError::NotFound { .. }), "{e}");
    // A worker of C2 may not publish for C, nor name C's team or a position beyond reach.
    let e = activities::publish(&t.db, &other, activity("越权", Duration::days(2), 2))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "community", "{e}");
    // Bad input is named and nothing is written.
    let before = count(&t.db, "SELECT COUNT(*) FROM activities").await;
    for (bad, want) in [
        (
            NewActivityInput {
                ends_at: Some(local(clock::now() + Duration::days(2) - Duration::hours(1))),
                ..activity("倒序", Duration::days(2), 2)
            },
            "ends_at",
        ),
        (activity("过去", Duration::days(-1), 2), "starts_at"),
        (activity("零名额", Duration::days(2), 0), "places"),
        (
            NewActivityInput {
                place: None,
                ..activity("无地点", Duration::days(2), 2)
            },
            "place",
        ),
        (
            NewActivityInput {
                audience: s("team"),
                ..activity("无队伍", Duration::days(2), 2)
            },
            "audience",
        ),
    ] {
        let e = activities::publish(&t.db, &worker, bad).await.unwrap_err();
        assert_eq!(field(&e), want, "{e}");
    }
    assert_eq!(
        count(&t.db, "SELECT COUNT(*) FROM activities").await,
        before
    );
}

#[both]
async fn a_thousand_signing_up_at_once_never_share_a_place(on: Backend) {
    let t = city(on).await;
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    let a = activities::publish(
        &t.db,
        &worker,
        activity("马拉松服务", Duration::days(5), 100),
    )
    .await
    .unwrap()
    .activity;
    let people = many_members(&t.db, 1000).await;
    // As `serve` takes them, through the desk that batches; fifty press the button twice.
    let desk = signup::Desk::spawn(t.db.clone());
    let started = std::time::Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for (i, who) in people.iter().enumerate() {
        for _ in 0..(1 + usize::from(i % 20 == 0)) {
            let (desk, who) = (desk.clone(), who.clone());
            set.spawn(async move {
                let r = desk.sign_up(&who, a.id, SignupInput::default()).await;
                (who, r)
            });
        }
    }
    let (mut answers, mut twice) = (Vec::new(), 0);
    while let Some(r) = set.join_next().await {
        match r.unwrap() {
            (who, Ok(d)) => answers.push((who, d.mine.unwrap())),
            (_, Err(e)) => {
                assert_eq!(field(&e), "activity_id", "{e}");
                twice += 1;
            }
        }
    }
    let took = started.elapsed();
    assert_eq!(
        (answers.len(), twice),
        (1000, 50),
        "every one answered once"
    );
    let confirmed = answers
        .iter()
        .filter(|(_, s)| s.state == SignupState::Confirmed)
        .count();
    assert_eq!(confirmed, 100, "each place given once");
    let mut lines: Vec<i64> = answers.iter().filter_map(|(_, s)| s.line).collect();
    lines.sort();
    assert_eq!(
        lines,
        (1..=900).collect::<Vec<_>>(),
        "one place in line each"
    );
    for (who, s) in answers.iter().step_by(37) {
        let read = activities::show(&t.db, who, a.id)
            .await
            .unwrap()
            .mine
            .unwrap();
        assert_eq!((read.id, read.state, read.line), (s.id, s.state, s.line));
    }
    assert_eq!(
        count(
            &t.db,
            "SELECT COUNT(*) FROM volunteers WHERE created_by LIKE 'user:%'"
        )
        .await,
        1000,
        "each registered once"
    );
    assert_eq!(
        count(
            &t.db,
            &format!(
                "SELECT COUNT(*) FROM signups WHERE activity_id = {} AND state = 'confirmed'",
                a.id
            )
        )
        .await,
        100
    );
    counts_add_up(&t.db, a.id).await;
    eprintln!("1000 sign-ups for 100 places on {on:?}: {took:?}");
}

#[both]
async fn an_activity_called_off_cancels_its_sign_ups_and_counts_no_no_show(on: Backend) {
    let t = city(on).await;
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    let a = activities::publish(&t.db, &worker, activity("雨天取消", Duration::days(2), 1))
        .await
        .unwrap()
        .activity;
    let (first, _) = member_account(&t.db, "rain_1", 41).await;
    let (second, _) = member_account(&t.db, "rain_2", 42).await;
    for who in [&first, &second] {
        signup::sign_up(&t.db, who, a.id, SignupInput::default())
            .await
            .unwrap();
    }
    let call = |reason: Option<&str>| attendance::CallOffInput {
        reason: reason.map(str::to_string),
    };
    let e = attendance::call_off(&t.db, &worker, a.id, call(None))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "reason", "{e}");
    assert!(matches!(
        attendance::call_off(&t.db, &first, a.id, call(Some("雨"))).await,
        Err(OpsError::Forbidden(_))
    ));
    let off = attendance::call_off(&t.db, &worker, a.id, call(Some("暴雨预警")))
        .await
        .unwrap();
    assert_eq!(off.activity.cancel_reason.as_deref(), Some("暴雨预警"));
    assert_eq!((off.roles[0].taken, off.roles[0].waiting), (0, 0));
    counts_add_up(&t.db, a.id).await;
    let mine = activities::show(&t.db, &second, a.id).await.unwrap();
    assert_eq!(
        state(&mine),
        Some(SignupState::Cancelled),
        "those signed up still reach it"
    );
    let e = signup::sign_up(&t.db, &first, a.id, SignupInput::default())
        .await
        .unwrap_err();
    assert_eq!(field(&e), "activity_id", "{e}");
    let _t = clock::fix(a.ends_at + Duration::minutes(5));
    let e = attendance::confirm(&t.db, &worker, a.id).await.unwrap_err();
    assert_eq!(field(&e), "activity_id", "{e}");
    assert_eq!(
        count(&t.db, "SELECT COUNT(*) FROM signups WHERE no_show").await,
        0
    );
}

#[both]
async fn one_batch_registers_a_newcomer_once_and_answers_each_sign_up_alone(on: Backend) {
    let t = city(on).await;
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    let publish = |title: &'static str, places| {
        let (db, worker) = (t.db.clone(), worker.clone());
        async move {
            activities::publish(&db, &worker, activity(title, Duration::days(3), places))
                .await
                .unwrap()
                .activity
        }
    };
    let (first, second) = (publish("清扫楼道", 1).await, publish("敬老探访", 5).await);
    let (member, _) = member_account(&t.db, "batch_1", 51).await;
    let (other, _) = member_account(&t.db, "batch_2", 52).await;
    let (building, _) = buildings(&t.db).await;
    let resident = confirmed_resident(&t.db, "13900001111", building).await;
    let registrations = "SELECT COUNT(*) FROM audit_log WHERE operation = 'volunteer.register'";
    let before = count(&t.db, registrations).await;
    let desk = signup::Desk::spawn(t.db.clone());
    // Queued together: the member for both activities, twice for the first; the other member
    // and the resident for the one place of the first.
    let asks = [
        (member.clone(), first.id),
        (member.clone(), second.id),
        (member.clone(), first.id),
        (other.clone(), first.id),
        (resident.clone(), first.id),
        (other.clone(), 999_999),
    ];
    let answers = futures_join(
        asks.iter()
            .map(|(who, id)| desk.sign_up(who, *id, SignupInput::default())),
    )
    .await;
    let states: Vec<Result<SignupState, String>> = answers
        .iter()
        .map(|a| match a {
            Ok(d) => Ok(state(d).unwrap()),
            Err(e) => Err(field(e).to_string()),
        })
        .collect();
    let confirmed = states
        .iter()
        .filter(|s| matches!(s, Ok(SignupState::Confirmed)))
        .count();
    assert_eq!(
        confirmed, 2,
        "the first's one place and the second's: {states:?}"
    );
    assert_eq!(
        states
            .iter()
            .filter(|s| matches!(s, Ok(SignupState::Waiting)))
            .count(),
        2,
        "{states:?}"
    );
    assert_eq!(
        states[2],
        Err("activity_id".into()),
        "a second sign-up refused"
    );
    assert!(
        matches!(answers[5], Err(OpsError::NotFound { .. })),
        "an activity that is not there"
    );
    assert_eq!(
        count(
            &t.db,
            "SELECT COUNT(*) FROM volunteers WHERE created_by = 'user:batch_1'"
        )
        .await,
        1,
        "registered once"
    );
    assert_eq!(
        count(&t.db, registrations).await,
        before + 3,
        "three newcomers"
    );
    for a in [&first, &second] {
        counts_add_up(&t.db, a.id).await;
    }
    let waiting: Vec<i64> = answers
        .iter()
        .filter_map(|a| a.as_ref().ok()?.mine.as_ref()?.line)
        .collect();
    assert_eq!(waiting, [1, 2], "the line in the order asked");
}

#[both]
async fn a_sign_up_brought_back_keeps_its_id_and_its_turn_in_the_batch(on: Backend) {
    let t = city(on).await;
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    let a = activities::publish(&t.db, &worker, activity("清扫楼道", Duration::days(3), 1))
        .await
        .unwrap()
        .activity;
    let (back, _) = member_account(&t.db, "back_1", 61).await;
    let (taker, _) = member_account(&t.db, "back_2", 62).await;
    let (fresh, _) = member_account(&t.db, "back_3", 63).await;
    let (fresh_too, _) = member_account(&t.db, "back_4", 64).await;
    let (later, _) = member_account(&t.db, "back_5", 65).await;
    let was = signup::sign_up(&t.db, &back, a.id, SignupInput::default())
        .await
        .unwrap()
        .mine
        .unwrap()
        .id;
    signup::cancel(&t.db, &back, a.id).await.unwrap();
    let taken = signup::sign_up(&t.db, &taker, a.id, SignupInput::default())
        .await
        .unwrap();
    assert_eq!(state(&taken), Some(SignupState::Confirmed));
    // One batch: a newcomer, the one who cancelled signing up again, another newcomer. The
    // two newcomers are written by one statement and the one brought back by another, yet
    // the line keeps the order asked (not the statements', nor a tie broken by id).
    let desk = signup::Desk::spawn(t.db.clone());
    let answers = futures_join(
        [&fresh, &back, &fresh_too]
            .into_iter()
            .map(|who| desk.sign_up(who, a.id, SignupInput::default())),
    )
    .await;
    let mine: Vec<_> = answers
        .into_iter()
        .map(|d| d.unwrap().mine.unwrap())
        .collect();
    assert_eq!(
        mine.iter().map(|m| (m.state, m.line)).collect::<Vec<_>>(),
        [
            (SignupState::Waiting, Some(1)),
            (SignupState::Waiting, Some(2)),
            (SignupState::Waiting, Some(3))
        ],
        "the line in the order asked"
    );
    assert_eq!(mine[1].id, was, "brought back, not written anew");
    let batches = format!(
        "SELECT COUNT(DISTINCT updated_at) FROM signups WHERE id IN ({}, {}, {})",
        mine[0].id, mine[1].id, mine[2].id
    );
    assert_eq!(count(&t.db, &batches).await, 1, "written by one batch");
    let last = desk
        .sign_up(&later, a.id, SignupInput::default())
        .await
        .unwrap();
    assert_eq!(last.mine.unwrap().line, Some(4));
    let roster = activities::show(&t.db, &worker, a.id).await.unwrap().roster;
    let mut line: Vec<(Option<i64>, i64)> = roster
        .iter()
        .filter(|s| s.state == SignupState::Waiting)
        .map(|s| (s.line, s.id))
        .collect();
    line.sort();
    assert_eq!(
        line[..3],
        [(Some(1), mine[0].id), (Some(2), was), (Some(3), mine[2].id)],
        "the line as the activity's page reads it"
    );
    counts_add_up(&t.db, a.id).await;
}

/// Polls every future at once, so they queue on the desk together.
async fn futures_join<F: std::future::Future>(fs: impl Iterator<Item = F>) -> Vec<F::Output> {
    let fs: Vec<_> = fs.map(Box::pin).collect();
    let mut out: Vec<Option<F::Output>> = (0..fs.len()).map(|_| None).collect();
    let mut fs: Vec<_> = fs.into_iter().map(Some).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, o) in fs.iter_mut().zip(out.iter_mut()) {
            if let Some(fut) = f {
                match fut.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => {
                        *o = Some(v);
                        *f = None;
                    }
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().map(|o| o.expect("ready")).collect()
}
