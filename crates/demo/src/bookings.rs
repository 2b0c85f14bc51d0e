//! The demo's shared rooms: a meeting room of many units opened to the community around it
//! (bookings wait for the unit's approval), each street centre's hall open to all, a unit's
//! own room not shared; and a month of bookings by the communities — approved, waiting,
//! refused with a reason, some weekly.

use super::rng::Rng;
use chrono::{Duration, NaiveDate};
use jiceng_domain::bookings::{BookingState, Opening};
use jiceng_domain::clock;
use jiceng_domain::positions::PositionKind;
use jiceng_ops::OpsError;
use jiceng_store::Tx;
use jiceng_store::bookings::{self as store, NewBooking, NewRoom};

const PURPOSES: &[&str] = &[
    "党员大会",
    "主题党日",
    "居民议事会",
    "志愿者培训",
    "四点半课堂",
    "老年书法班",
];

fn room<'a>(
    name: &'a str,
    org: (i64, &'a str),
    unit: Option<i64>,
    position: Option<i64>,
    shared: bool,
    approval: bool,
) -> NewRoom<'a> {
    NewRoom {
        name,
        position_id: position,
        unit_id: unit,
        org_id: org.0,
        org_path: org.1,
        capacity: 40,
        opens_minute: 8 * 60 + 30,
        closes_minute: 21 * 60,
        closed_weekdays: 0,
        buffer_minutes: 15,
        release_minutes: 30,
        shared,
        needs_approval: approval,
        facilities: Some("投影、音响"),
        by: "demo",
    }
}

/// What was written: (rooms, bookings).
pub async fn load(
    tx: &mut Tx,
    rng: &mut Rng,
    today: NaiveDate,
) -> Result<(usize, usize), OpsError> {
    let mut rooms = Vec::new();
    for (i, (unit, org, path)) in store::units_with_orgs(tx, 60)
        .await?
        .into_iter()
        .enumerate()
    {
        let Some(community) = jiceng_store::orgs::levels_of(tx, org).await?.2 else {
            continue;
        };
        let shared = i % 4 != 3;
        let id = store::insert_room(
            tx,
            &room(
                if shared {
                    "三楼会议室"
                } else {
                    "内部会议室"
                },
                (org, &path),
                Some(unit),
                None,
                shared,
                true,
            ),
        )
        .await?;
        rooms.push((id, Some(community)));
    }
    let mut at = String::new();
    for p in jiceng_store::positions::within(tx, "/", Some(PositionKind::Centre), None, 50).await? {
        at.clone_from(&p.org_path);
        let id = store::insert_room(
            tx,
            &room("多功能厅", (p.org_id, &at), None, Some(p.id), true, false),
        )
        .await?;
        rooms.push((id, None));
    }
    let communities = jiceng_store::cobuilding::communities(tx).await?;
    let mut bookings = 0;
    for (room, near) in &rooms {
        let opening = Opening {
            opens: 8 * 60 + 30,
            closes: 21 * 60,
            closed_weekdays: 0,
            closed_days: Vec::new(),
            buffer_minutes: 15,
        };
        for d in 0..30 {
            if !rng.chance(0.3) {
                continue;
            }
            let (community, path) = match near {
                Some(c) => match communities.iter().find(|x| x.0 == *c) {
                    Some(x) => x.clone(),
                    None => continue,
                },
                None => rng.pick(&communities).clone(),
            };
            let day = today + Duration::days(d - 7);
            let starts = clock::start_of(day) + Duration::hours(rng.range(9, 18));
            let ends = starts + Duration::minutes(30 * rng.range(2, 5));
            let past = ends < clock::now();
            let state = match (past, rng.below(10)) {
                (true, 0) => BookingState::Released,
                (true, _) => BookingState::CheckedIn,
                (false, 0) => BookingState::Refused,
                (false, 1 | 2) => BookingState::Pending,
                _ => BookingState::Approved,
            };
            if starts <= clock::now() && !past {
                continue;
            }
            let purpose = *rng.pick(PURPOSES);
            let id = store::insert(
                tx,
                &NewBooking {
                    room_id: *room,
                    org_id: community,
                    org_path: &path,
                    purpose,
                    starts_at: starts,
                    ends_at: ends,
                    blocked_until: opening.blocked_until(ends),
                    state,
                    series_id: None,
                    by: "demo",
                },
            )
            .await?;
            match state {
                BookingState::Refused => {
                    store::set_state(tx, id, state, state, Some("当天单位自用"), "demo").await?;
                }
                // Checked in (when the demo is built, for the past ones).
                BookingState::CheckedIn => {
                    store::set_state(tx, id, state, state, None, "demo").await?;
                }
                _ => {}
            }
            bookings += 1;
        }
    }
    Ok((rooms.len(), bookings))
}
