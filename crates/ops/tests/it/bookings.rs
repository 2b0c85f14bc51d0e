//! Booking shared rooms on SQLite or PostgreSQL: a unit's liaison registers a room; a
//! community books it; the conflict rules (another booking with the buffer, opening hours, a
//! closed weekday, a closed day), each named with nothing written; a recurring booking
//! previewed and booked with its conflicting occurrence skipped; approval and refusal with a
//! reason; check-in and release; scope; and two bookings of one slot at once, one refused.

use crate::common::*;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use jiceng_domain::bookings::BookingState;
use jiceng_domain::clock;
use jiceng_ops::OpsError;
use jiceng_ops::bookings::book::{self, BookingInput};
use jiceng_ops::bookings::decide::{self, DecisionInput};
use jiceng_ops::bookings::rooms::{self, ClosureInput, NewRoomInput};
use jiceng_store::Backend;
use jiceng_testkit::both;

/// The next Monday at least a week away, at `h:m` Shanghai time.
fn monday(h: u32, m: u32) -> DateTime<Utc> {
    let mut d = clock::today() + Duration::days(7);
    while d.weekday() != Weekday::Mon {
        d += Duration::days(1);
    }
    clock::from_local(d.and_hms_opt(h, m, 0).unwrap())
}

fn local(t: DateTime<Utc>) -> Option<String> {
    Some(clock::local(t).format("%Y-%m-%d %H:%M").to_string())
}

fn slot(org: &str, from: DateTime<Utc>, minutes: i64) -> BookingInput {
    BookingInput {
        org: s(org),
        purpose: s("党员大会"),
        starts_at: local(from),
        ends_at: local(from + Duration::minutes(minutes)),
        ..Default::default()
    }
}

#[both]
async fn a_communitys_booking_of_a_units_room_keeps_clear_of_others(on: Backend) {
    let t = city(on).await;
    let liaison = liaison(&t.db).await;
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    let other = account(&t.db, "worker_c2", "community_worker", "C2", None).await;
    let room = rooms::register(
        &t.db,
        &liaison,
        NewRoomInput {
            name: s("三楼会议室"),
            unit_id: Some(liaison.unit_id().unwrap()),
            capacity: Some(40),
            opens: s("08:30"),
            closes: s("17:30"),
            closed_weekdays: s("6,7"),
            buffer_minutes: Some(15),
            release_minutes: Some(30),
            shared: true,
            needs_approval: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(room.keeps && room.shared);
    let first = book::book(&t.db, &worker, room.id, slot("C", monday(9, 0), 60))
        .await
        .unwrap();
    assert_eq!(first[0].state, BookingState::Pending, "waits for the unit");
    let count = || count(&t.db, "SELECT COUNT(*) FROM bookings");
    let before = count().await;
    // Within the buffer, outside the hours, on a Saturday, on a closed day: each named.
    let e = book::book(&t.db, &other, room.id, slot("C2", monday(10, 10), 60))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "starts_at", "{e}");
    assert!(
        e.to_string().contains("10:15"),
        "the busy time with its buffer: {e}"
    );
    assert!(
        !e.to_string().contains("测试组织C"),
        "the other booker is not named: {e}"
    );
    let e = book::book(&t.db, &other, room.id, slot("C2", monday(7, 0), 60))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "starts_at", "{e}");
    let e = book::book(
        &t.db,
        &other,
        room.id,
        slot("C2", monday(10, 0) + Duration::days(5), 60),
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "starts_at", "a Saturday: {e}");
    let closed: NaiveDate = clock::local(monday(9, 0) + Duration::days(1)).date();
    rooms::close_day(
        &t.db,
        &liaison,
        room.id,
        ClosureInput {
            day: Some(closed.to_string()),
        },
    )
    .await
    .unwrap();
    let e = book::book(
        &t.db,
        &other,
        room.id,
        slot("C2", monday(9, 0) + Duration::days(1), 60),
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "starts_at", "a closed day: {e}");
    let e = book::book(&t.db, &other, room.id, slot("C", monday(13, 0), 60))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "org", "booking for another's community: {e}");
    assert_eq!(count().await, before, "nothing written");
    // Right after the buffer it is free.
    let free = book::book(&t.db, &other, room.id, slot("C2", monday(10, 15), 60))
        .await
        .unwrap();
    assert_eq!(free.len(), 1);

    // Weekly for three weeks at 13:30, the middle week's Monday taken: the preview names it,
    // booking refuses the whole, skipping books the other two.
    book::book(
        &t.db,
        &worker,
        room.id,
        slot("C", monday(13, 30) + Duration::weeks(1), 30),
    )
    .await
    .unwrap();
    let weekly = BookingInput {
        repeat: s("weekly"),
        count: Some(3),
        ..slot("C2", monday(13, 30), 60)
    };
    let preview = book::preview(&t.db, &other, room.id, weekly.clone())
        .await
        .unwrap();
    let conflicts: Vec<bool> = preview.iter().map(|o| o.conflict.is_some()).collect();
    assert_eq!(conflicts, [false, true, false]);
    let e = book::book(&t.db, &other, room.id, weekly.clone())
        .await
        .unwrap_err();
    assert_eq!(field(&e), "starts_at", "{e}");
    let made = book::book(
        &t.db,
        &other,
        room.id,
        BookingInput {
            skip_conflicts: true,
            ..weekly
        },
    )
    .await
    .unwrap();
    assert_eq!(made.len(), 2);
    assert_eq!(made[0].series_id, made[1].series_id);
    assert!(made[0].series_id.is_some());

    // The booker does not approve their own; the keepers decide: a refusal needs a reason.
    let e = decide::decide(
        &t.db,
        &worker,
        first[0].id,
        DecisionInput {
            decision: s("approve"),
            reason: None,
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(e, OpsError::Conflict(_)), "{e}");
    let e = decide::decide(
        &t.db,
        &liaison,
        first[0].id,
        DecisionInput {
            decision: s("refuse"),
            reason: None,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "reason", "{e}");
    let refused = decide::decide(
        &t.db,
        &liaison,
        free[0].id,
        DecisionInput {
            decision: s("refuse"),
            reason: s("当天单位自用"),
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (refused.state, refused.reason.as_deref()),
        (BookingState::Refused, Some("当天单位自用"))
    );
    let ok = decide::decide(
        &t.db,
        &liaison,
        first[0].id,
        DecisionInput {
            decision: s("approve"),
            reason: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(ok.state, BookingState::Approved);
    assert!(matches!(
        book::show(&t.db, &other, first[0].id).await,
        Err(OpsError::NotFound { .. })
    ));
    let e = decide::decide(
        &t.db,
        &worker,
        first[0].id,
        DecisionInput {
            decision: s("approve"),
            reason: None,
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(e, OpsError::Conflict(_)),
        "the booker does not approve their own: {e}"
    );
    // The other community sees C's booking on the calendar as a busy time alone; C does not
    // see C2's refused one at all.
    let cal = rooms::show(&t.db, &other, room.id).await.unwrap().calendar;
    let c_row = cal.iter().find(|b| b.id == first[0].id).unwrap();
    assert!(c_row.org_name.is_empty() && c_row.purpose.is_empty() && c_row.offers.is_empty());
    let cal_w = rooms::show(&t.db, &worker, room.id).await.unwrap().calendar;
    assert!(
        cal_w.iter().all(|b| b.id != free[0].id),
        "C does not see C2's refused booking"
    );
    // The refused slot is free again.
    book::book(&t.db, &other, room.id, slot("C2", monday(10, 15), 60))
        .await
        .unwrap();

    // Nobody checks in: half an hour after the start the booking is released.
    {
        let _t = clock::fix(first[0].starts_at + Duration::minutes(29));
        assert_eq!(decide::sweep(&t.db, clock::now()).await.unwrap(), 0);
    }
    {
        let _t = clock::fix(first[0].starts_at + Duration::minutes(31));
        assert_eq!(decide::sweep(&t.db, clock::now()).await.unwrap(), 1);
        assert_eq!(
            book::show(&t.db, &worker, first[0].id).await.unwrap().state,
            BookingState::Released
        );
    }
    // One checked in in time stays.
    let later = book::book(&t.db, &worker, room.id, slot("C", monday(15, 0), 60))
        .await
        .unwrap();
    decide::decide(
        &t.db,
        &liaison,
        later[0].id,
        DecisionInput {
            decision: s("approve"),
            reason: None,
        },
    )
    .await
    .unwrap();
    let _t = clock::fix(later[0].starts_at + Duration::minutes(5));
    let used = decide::decide(
        &t.db,
        &worker,
        later[0].id,
        DecisionInput {
            decision: s("check_in"),
            reason: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(used.state, BookingState::CheckedIn);
    let _t = clock::fix(later[0].starts_at + Duration::minutes(40));
    // (The sweep now also lapses the day's bookings C2 left undecided: 13:30, 10:15.)
    decide::sweep(&t.db, clock::now()).await.unwrap();
    assert_eq!(
        book::show(&t.db, &worker, later[0].id).await.unwrap().state,
        BookingState::CheckedIn,
        "one checked in stays"
    );
    // One left pending lapses at its start.
    let late = book::book(&t.db, &worker, room.id, slot("C", monday(16, 30), 30))
        .await
        .unwrap();
    assert_eq!(late[0].state, BookingState::Pending);
    {
        let _t = clock::fix(late[0].starts_at);
        decide::sweep(&t.db, clock::now()).await.unwrap();
        let lapsed = book::show(&t.db, &worker, late[0].id).await.unwrap();
        assert_eq!(
            (lapsed.state, lapsed.reason.as_deref()),
            (BookingState::Refused, Some("开始前未获审批"))
        );
    }
}

#[both]
async fn two_bookings_of_one_slot_at_once_leave_one(on: Backend) {
    let t = city(on).await;
    let liaison = liaison(&t.db).await;
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    let other = account(&t.db, "worker_c2", "community_worker", "C2", None).await;
    let room = rooms::register(
        &t.db,
        &liaison,
        NewRoomInput {
            name: s("活动室"),
            unit_id: liaison.unit_id(),
            shared: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let (a, b) = tokio::join!(
        book::book(&t.db, &worker, room.id, slot("C", monday(9, 0), 60)),
        book::book(&t.db, &other, room.id, slot("C2", monday(9, 30), 60)),
    );
    assert_eq!(
        [a.is_ok(), b.is_ok()].iter().filter(|x| **x).count(),
        1,
        "{a:?} {b:?}"
    );
    assert_eq!(count(&t.db, "SELECT COUNT(*) FROM bookings").await, 1);
    // A room not shared is its keepers' alone.
    let own = rooms::register(
        &t.db,
        &liaison,
        NewRoomInput {
            name: s("内部会议室"),
            unit_id: liaison.unit_id(),
            shared: false,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(matches!(
        rooms::show(&t.db, &other, own.id).await,
        Err(OpsError::NotFound { .. })
    ));
    assert!(matches!(
        book::book(&t.db, &other, own.id, slot("C2", monday(9, 0), 60)).await,
        Err(OpsError::NotFound { .. })
    ));
}
