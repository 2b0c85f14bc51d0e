//! bookings: rooms opened for others (相互开放阵地) and their bookings — pages, API and routes.

pub(crate) mod api;
pub(crate) mod pages;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/rooms" => pages::list [Scope];
        POST "/rooms" => pages::register [Scope];
        GET "/rooms/{id}" => pages::show [Record(Room)];
        POST "/rooms/{id}/bookings" => pages::book [Record(Room)];
        POST "/rooms/{id}/closures" => pages::close_day [Record(Room)];
        GET "/bookings" => pages::bookings [Scope];
        POST "/bookings/{id}/decision" => pages::decide [Record(Booking)];
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::list [Scope];
        api::register [Scope];
        api::show [Record(Room)];
        api::close_day [Record(Room)];
        api::preview [Record(Room)];
        api::book [Record(Room)];
        api::bookings [Scope];
        api::booking [Record(Booking)];
        api::decide [Record(Booking)];
    )
}
