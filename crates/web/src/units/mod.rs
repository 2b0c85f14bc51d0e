//! units: its pages and its part of the API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;
pub(crate) mod pick;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/units" => pages::list [Scope];
        POST "/units" => pages::create [Scope];
        GET "/units/new" => pages::new_form [Scope];
        GET "/units/pick" => pick::pick [Scope];
        GET "/units/{id}" => pages::show [Record(Unit)];
        POST "/units/{id}/register" => pages::register [Record(Unit)];
        POST "/registrations/{id}/end" => pages::end_registration [Record(Registration)];
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::list [Scope];
        api::add [Scope];
        api::show [Record(Unit)];
        api::register [Record(Unit)];
    )
}
