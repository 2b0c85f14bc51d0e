//! Who reaches a room and its bookings. A shared room is open to every desk that books (the
//! organisers); a room not shared to its keepers and the readers of its org. A room's keepers
//! (a unit venue's liaison; a position room's org writers) register it, close its days and
//! approve its bookings; a booking is the booking org's readers' and the room's keepers'.

use crate::{Actor, OpsError};
use jiceng_domain::Role;
use jiceng_store::Tx;
use jiceng_store::bookings::{self as store, BookingRow, RoomRow};

/// Whether the actor keeps the room: a unit's venue its liaison (the unit decides who uses
/// it, not the party orgs above its branch); a position's room the writers of its org.
pub fn keeps(actor: &Actor, room_path: &str, room_unit: Option<i64>) -> bool {
    match (actor, room_unit) {
        (Actor::Operator { .. }, _) => true,
        (_, Some(unit)) => {
            actor.role() == Some(Role::UnitLiaison)
                && actor.unit_id() == Some(unit)
                && !actor.read_only()
        }
        (_, None) => actor.may_write(room_path).is_ok(),
    }
}

/// Whether the actor works at a desk that books rooms (for the orgs whose records they write).
pub fn books(actor: &Actor) -> bool {
    match actor.role() {
        None => true,
        Some(r) => r.writes_records(),
    }
}

/// The room `id` as the actor may reach it, else not found.
pub(crate) async fn room(tx: &mut Tx, actor: &Actor, id: i64) -> Result<RoomRow, OpsError> {
    let missing = || OpsError::not_found("场地", id);
    let r = store::room(tx, id).await?.ok_or_else(missing)?;
    let reads = actor.may_read(&r.org_path).is_ok() || keeps(actor, &r.org_path, r.unit_id);
    if reads || (r.shared && books(actor)) {
        Ok(r)
    } else {
        Err(missing())
    }
}

/// The booking `id` as the actor may reach it (the booking org's readers, the room's
/// keepers), else not found.
pub(crate) async fn booking(tx: &mut Tx, actor: &Actor, id: i64) -> Result<BookingRow, OpsError> {
    let missing = || OpsError::not_found("场地预约", id);
    let b = store::booking(tx, id).await?.ok_or_else(missing)?;
    if actor.may_read(&b.org_path).is_ok() || keeps(actor, &b.room_path, b.room_unit_id) {
        Ok(b)
    } else {
        Err(missing())
    }
}
