//! audit: its pages and its part of the API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/audit" => pages::audit [Scope];
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::audit [Scope];
        api::verify [Scope];
        api::archives [Scope];
        api::retention [Scope];
        api::set_retention [Scope];
        api::delete_entry [Record(LogEntry)];
        api::delete_login [Record(LogEntry)];
    )
}
