//! 相互开放阵地: rooms of service positions and units' venues opened for others to book,
//! registered by their keepers (`rooms.rs`); bookings checked against the room's opening
//! hours, closed days and the other bookings with their buffer, one at a time or recurring,
//! approved or refused by the keepers, checked into, released when nobody came (`book.rs`,
//! `decide.rs`).

pub mod book;
pub mod decide;
pub mod policy;
pub mod rooms;

use chrono::{DateTime, Utc};
use jiceng_domain::bookings::BookingState;
use jiceng_store::bookings::BookingRow;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Booking {
    pub id: i64,
    pub room_id: i64,
    pub room_name: String,
    /// The booking org; shown only to those who reach it (its readers and the room's keepers).
    pub org_name: String,
    pub purpose: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The room is held until here: the end plus the room's buffer.
    pub blocked_until: DateTime<Utc>,
    pub state: BookingState,
    /// Why it was refused.
    pub reason: Option<String>,
    pub series_id: Option<i64>,
    pub checked_in_at: Option<DateTime<Utc>>,
    /// What the actor may do with it: approve, refuse, cancel, check_in.
    pub offers: Vec<&'static str>,
}

impl Booking {
    /// Another org's booking as a room's calendar shows it to those who do not reach it: the
    /// time it holds the room, nothing of who or why.
    pub(crate) fn busy(b: BookingRow) -> Booking {
        Booking {
            id: b.id,
            room_id: b.room_id,
            room_name: b.room_name,
            org_name: String::new(),
            purpose: String::new(),
            starts_at: b.starts_at,
            ends_at: b.ends_at,
            blocked_until: b.blocked_until,
            state: b.state,
            reason: None,
            series_id: None,
            checked_in_at: None,
            offers: Vec::new(),
        }
    }

    pub(crate) fn of(b: BookingRow, actor: &crate::Actor) -> Booking {
        let keeps = policy::keeps(actor, &b.room_path, b.room_unit_id);
        let books = actor.may_write(&b.org_path).is_ok();
        let now = jiceng_domain::clock::now();
        let mut offers = Vec::new();
        // A booking is decided before it starts; one left pending then lapses (the sweep).
        if keeps && b.state == BookingState::Pending && now < b.starts_at {
            offers.extend(["approve", "refuse"]);
        }
        if books
            && matches!(b.state, BookingState::Pending | BookingState::Approved)
            && now < b.ends_at
        {
            offers.push("cancel");
        }
        if books
            && b.state == BookingState::Approved
            && jiceng_domain::bookings::may_check_in(b.starts_at, b.ends_at, b.release_minutes, now)
        {
            offers.push("check_in");
        }
        Booking {
            id: b.id,
            room_id: b.room_id,
            room_name: b.room_name,
            org_name: b.org_name,
            purpose: b.purpose,
            starts_at: b.starts_at,
            ends_at: b.ends_at,
            blocked_until: b.blocked_until,
            state: b.state,
            reason: b.reason,
            series_id: b.series_id,
            checked_in_at: b.checked_in_at,
            offers,
        }
    }
}
