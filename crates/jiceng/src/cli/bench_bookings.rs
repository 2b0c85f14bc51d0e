//! `jiceng bench bookings`: the conflict check of a booking over a city grown by `--bookings`
//! bookings spread over `--rooms` shared rooms (three a day each, going back and forward from
//! today), then the check (a preview of one occurrence, which reads the room, its closed days
//! and its bookings around the asked time) and a booking written, timed on random rooms and
//! hours. The rooms and bookings it adds stay: run it on a database for measuring.

use super::bench::percentile;
use super::output::Out;
use chrono::Duration;
use jiceng_domain::bookings::{BookingState, Opening};
use jiceng_domain::clock;
use jiceng_ops::bookings::book::{self, BookingInput};
use jiceng_ops::{Actor, Db, OpsError};
use jiceng_store::bookings::{self as store, NewBooking, NewRoom};
use serde::Serialize;
use std::time::Instant;

#[derive(Serialize)]
struct Report {
    backend: String,
    rooms: usize,
    bookings_added: u64,
    bookings_total: i64,
    samples: usize,
    check_p50_ms: f64,
    check_p95_ms: f64,
    book_p50_ms: f64,
    book_p95_ms: f64,
    conflicts_found: usize,
}

pub async fn run(
    db: &Db,
    actor: &Actor,
    (rooms, bookings): (usize, u64),
    samples: usize,
    out: &Out,
) -> Result<(), OpsError> {
    let mut tx = db.write().await?;
    let (community, path) = jiceng_store::cobuilding::communities(&mut tx)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| OpsError::not_found("社区党组织", "（空库，请先运行 jiceng demo）"))?;
    let code = jiceng_store::orgs::by_id(&mut tx, community)
        .await?
        .map(|o| o.code)
        .unwrap_or_default();
    let opening = Opening {
        opens: 8 * 60,
        closes: 22 * 60,
        closed_weekdays: 0,
        closed_days: Vec::new(),
        buffer_minutes: 15,
    };
    let mut ids = Vec::new();
    for i in 0..rooms {
        let name = format!("压测场地{i}");
        ids.push(
            store::insert_room(
                &mut tx,
                &NewRoom {
                    name: &name,
                    position_id: None,
                    unit_id: None,
                    org_id: community,
                    org_path: &path,
                    capacity: 30,
                    opens_minute: opening.opens,
                    closes_minute: opening.closes,
                    closed_weekdays: 0,
                    buffer_minutes: opening.buffer_minutes,
                    release_minutes: 30,
                    shared: true,
                    needs_approval: false,
                    facilities: None,
                    by: "bench",
                },
            )
            .await?,
        );
    }
    // Three bookings a day a room (09:00, 13:00, 19:00), half of the days behind today.
    let per_room = bookings / rooms.max(1) as u64;
    let days = per_room.div_ceil(3) as i64;
    let first = clock::start_of(clock::today()) - Duration::days(days / 2);
    let mut added = 0;
    for room in &ids {
        for n in 0..per_room as i64 {
            let starts =
                first + Duration::days(n / 3) + Duration::hours([9, 13, 19][(n % 3) as usize]);
            let ends = starts + Duration::hours(2);
            store::insert(
                &mut tx,
                &NewBooking {
                    room_id: *room,
                    org_id: community,
                    org_path: &path,
                    purpose: "压测预约",
                    starts_at: starts,
                    ends_at: ends,
                    blocked_until: opening.blocked_until(ends),
                    state: BookingState::Approved,
                    series_id: None,
                    by: "bench",
                },
            )
            .await?;
            added += 1;
        }
    }
    tx.commit().await?;
    db.vacuum("bookings").await?;
    let mut tx = db.read().await?;
    let total = jiceng_store::bookings::count(&mut tx).await?;
    drop(tx);
    let mut seed = 0x5eed_u64;
    let mut draw = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n.max(1)
    };
    let (mut checks, mut books, mut conflicts) = (Vec::new(), Vec::new(), 0);
    for i in 0..samples {
        let room = ids[draw(ids.len() as u64) as usize];
        // Any hour of the days ahead: some clash with the 09:00/13:00/19:00 bookings.
        let day = clock::today() + Duration::days(1 + draw((days / 2).max(1) as u64) as i64);
        let hour = 8 + draw(12) as u32;
        let at = |h: u32| Some(format!("{day} {h:02}:00"));
        let input = BookingInput {
            org: Some(code.clone()),
            purpose: Some("压测".into()),
            starts_at: at(hour),
            ends_at: at(hour + 1),
            ..Default::default()
        };
        let t = Instant::now();
        let preview = book::preview(db, actor, room, input.clone()).await?;
        checks.push(t.elapsed().as_secs_f64() * 1000.0);
        if preview.iter().any(|o| o.conflict.is_some()) {
            conflicts += 1;
        } else if i % 2 == 0 {
            let t = Instant::now();
            book::book(db, actor, room, input).await?;
            books.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    checks.sort_by(f64::total_cmp);
    books.sort_by(f64::total_cmp);
    let p = |v: &[f64], q| if v.is_empty() { 0.0 } else { percentile(v, q) };
    let report = Report {
        backend: format!("{:?}", db.backend()),
        rooms,
        bookings_added: added,
        bookings_total: total,
        samples,
        check_p50_ms: p(&checks, 0.5),
        check_p95_ms: p(&checks, 0.95),
        book_p50_ms: p(&books, 0.5),
        book_p95_ms: p(&books, 0.95),
        conflicts_found: conflicts,
    };
    out.show(&report, |r| {
        format!(
            "{}：{} 个场地、共 {} 条预约（本次加入 {}）；冲突检查 p50 {:.2} ms、p95 {:.2} ms（{} 次中 {} 次有冲突）；写入预约 p50 {:.2} ms、p95 {:.2} ms",
            r.backend, r.rooms, r.bookings_total, r.bookings_added, r.check_p50_ms, r.check_p95_ms, r.samples, r.conflicts_found, r.book_p50_ms, r.book_p95_ms
        )
    });
    Ok(())
}
